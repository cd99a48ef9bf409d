using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>One change-stream event with the documents mapped to <typeparamref name="T"/>.</summary>
public sealed class ChangeEvent<T>
{
    /// <summary>The event's resume token (<c>_id</c>); store it to resume after this event.</summary>
    public required BsonDocument ResumeToken { get; init; }

    /// <summary>insert, update, replace, delete, drop, rename, dropDatabase or invalidate.</summary>
    public required string OperationType { get; init; }

    /// <summary>ns.db.</summary>
    public string? DatabaseName { get; init; }

    /// <summary>ns.coll.</summary>
    public string? CollectionName { get; init; }

    /// <summary>{ _id } of the changed document.</summary>
    public BsonDocument? DocumentKey { get; init; }

    /// <summary>The document after the change (inserts, replaces, and updates with updateLookup).</summary>
    public T? FullDocument { get; init; }

    /// <summary>The pre-image when requested and available.</summary>
    public T? FullDocumentBeforeChange { get; init; }

    /// <summary>{ updatedFields, removedFields, truncatedArrays } for updates.</summary>
    public BsonDocument? UpdateDescription { get; init; }

    /// <summary>The commit's cluster time.</summary>
    public BsonTimestamp? ClusterTime { get; init; }

    /// <summary>The raw event document.</summary>
    public required BsonDocument BackingDocument { get; init; }
}
