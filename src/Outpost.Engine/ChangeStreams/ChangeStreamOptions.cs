using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>Options of a change stream (the <c>$changeStream</c> stage's fields).</summary>
public sealed class ChangeStreamOptions
{
    /// <summary>Shared default options.</summary>
    public static ChangeStreamOptions Default { get; } = new();

    /// <summary>"default", "updateLookup", "whenAvailable" or "required".</summary>
    public string FullDocument { get; init; } = "default";

    /// <summary>"off", "whenAvailable" or "required".</summary>
    public string FullDocumentBeforeChange { get; init; } = "off";

    /// <summary>Resume after the event with this token (fails on an invalidate token).</summary>
    public BsonDocument? ResumeAfter { get; init; }

    /// <summary>Resume after this token, even an invalidate one.</summary>
    public BsonDocument? StartAfter { get; init; }

    /// <summary>Start with events at or after this cluster time.</summary>
    public BsonTimestamp? StartAtOperationTime { get; init; }

    /// <summary>Also report DDL events (create, createIndexes, dropIndexes, modify …).</summary>
    public bool ShowExpandedEvents { get; init; }
}
