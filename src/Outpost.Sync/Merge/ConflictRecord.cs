using Outpost.Bson;
using Outpost.Sync.Clock;

namespace Outpost.Sync.Merge;

/// <summary>
/// Two concurrent writes met on a field. <see cref="NeedsReview"/> is true when the strategy kept both
/// (the app must choose); otherwise the record documents how the strategy merged them.
/// </summary>
public sealed record ConflictRecord(
    string Collection,
    BsonValue DocumentId,
    string Path,
    MergeStrategy Strategy,
    StampedValue Current,
    StampedValue Incoming,
    BsonValue? Result,
    bool NeedsReview);
