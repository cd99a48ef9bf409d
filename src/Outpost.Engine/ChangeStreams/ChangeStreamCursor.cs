using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>
/// A cursor over change events. Never exhausted by itself (only by an invalidate event); an empty batch waits up
/// to maxAwaitTime for new events (storage WaitForLog wake-ups). <see cref="PostBatchResumeToken"/> is the token
/// of the log position the last batch reached, which the wire reports as <c>postBatchResumeToken</c>.
/// </summary>
public abstract class ChangeStreamCursor : Cursor
{
    /// <summary>Resume token covering everything returned or scanned so far: <c>{_data: "hex"}</c>.</summary>
    public abstract BsonDocument PostBatchResumeToken { get; }
}
