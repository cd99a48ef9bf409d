using Outpost.Bson.Keys;

namespace Outpost.Engine;

public sealed partial class Collection
{
    /// <summary>
    /// The storage tree of this collection's documents, for tools that fill a new database file at storage level while
    /// no engine has it open (the sync server's snapshot files): each document is one entry of that tree, keyed by
    /// <see cref="BsonKeyEncoder.Encode(Outpost.Bson.BsonValue)"/> of its <c>_id</c> and valued by its BSON with <c>_id</c>
    /// first. Null when such entries alone would not make a correct collection: it does not exist, or it is a view,
    /// capped, time-series, or has secondary indexes (whose entries the tool would have to write as well).
    /// </summary>
    public long? GetBulkLoadTree()
    {
        var state = State;
        if (state is null || state.IsView || state.IsCapped || state.Options.TimeSeries is not null || state.Indexes.Length != 1) return null;
        return state.Tree;
    }
}
