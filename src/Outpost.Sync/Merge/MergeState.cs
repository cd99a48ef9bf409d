using Outpost.Bson;

namespace Outpost.Sync.Merge;

/// <summary>A synced document as the server holds it: the document itself and its merge metadata.</summary>
public sealed class MergeState
{
    public MergeState(BsonDocument document, SyncMetadata metadata)
    {
        Document = document;
        Metadata = metadata;
    }

    /// <summary>The document (always with its _id; only the _id while deleted or not yet created).</summary>
    public BsonDocument Document { get; }

    public SyncMetadata Metadata { get; }

    /// <summary>True when the document exists: it has been written and its last winning write was not a delete.</summary>
    public bool Exists => !Metadata.Deleted && Metadata.Version is not null;

    public static MergeState Empty(BsonValue id) => new(new BsonDocument { { "_id", id } }, new SyncMetadata());

    public MergeState Clone() => new(Document.DeepClone(), Metadata.Clone());
}
