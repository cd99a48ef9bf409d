using Outpost.Bson;
using Outpost.Sync.Merge;

namespace Outpost.Client;

/// <summary>
/// One entry of the local conflict log: a concurrent write the server merged (<see cref="Conflict"/> with
/// NeedsReview false), one it kept beside ours for the app to resolve (NeedsReview true), or a rejected operation.
/// </summary>
public sealed record ConflictEntry(ObjectId Id, DateTime At, string Collection, BsonValue DocumentId, ConflictRecord? Conflict, string? RejectionReason, bool Resolved);
