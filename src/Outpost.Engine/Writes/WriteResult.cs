using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>
/// The outcome of an insert, update or delete command: counts, upserted ids and per-statement errors. A failing
/// statement does not throw; it is reported in <see cref="WriteErrors"/> (errors outside statements, e.g. an invalid
/// namespace, still throw <see cref="MongoException"/>). Inside a transaction the first statement error throws instead.
/// </summary>
public sealed class WriteResult
{
    /// <summary>insert: documents inserted; update: documents matched plus upserted; delete: documents deleted.</summary>
    public long N { get; set; }

    /// <summary>update: documents actually changed.</summary>
    public long NModified { get; set; }

    /// <summary>update: documents inserted by upserts.</summary>
    public List<UpsertedId> Upserted { get; } = [];

    /// <summary>insert: the _id of each inserted document, in request order (generated ids included).</summary>
    public List<BsonValue> InsertedIds { get; } = [];

    /// <summary>Failed statements, in index order.</summary>
    public List<WriteError> WriteErrors { get; } = [];

    /// <summary>Whether any statement failed.</summary>
    public bool HasErrors => WriteErrors.Count > 0;
}
