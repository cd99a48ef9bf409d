using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>Options of WatchAsync.</summary>
public sealed class WatchOptions
{
    /// <summary>Stages after $changeStream ($match, $project, …).</summary>
    public IReadOnlyList<BsonDocument>? Pipeline { get; init; }

    /// <summary>"default", "updateLookup", "whenAvailable" or "required".</summary>
    public string FullDocument { get; init; } = "default";

    /// <summary>"off", "whenAvailable" or "required".</summary>
    public string FullDocumentBeforeChange { get; init; } = "off";

    /// <summary>Resume after the event with this token (as stored from <see cref="ChangeEvent{T}.ResumeToken"/>).</summary>
    public BsonDocument? ResumeAfter { get; init; }

    /// <summary>Like <see cref="ResumeAfter"/> but also after an invalidate.</summary>
    public BsonDocument? StartAfter { get; init; }

    /// <summary>Start at this cluster time.</summary>
    public BsonTimestamp? StartAtOperationTime { get; init; }

    /// <summary>How long one wait for new events lasts before the stream polls again (default 1 s).</summary>
    public TimeSpan MaxAwaitTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Events fetched per batch.</summary>
    public int BatchSize { get; init; } = 256;
}
