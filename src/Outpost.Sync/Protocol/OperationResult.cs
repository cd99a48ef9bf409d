using Outpost.Bson;
using Outpost.Sync.Merge;

namespace Outpost.Sync.Protocol;

/// <summary>The server's answer for one pushed operation.</summary>
/// <param name="Sequence">The operation's sequence.</param>
/// <param name="Status">Applied, duplicate or rejected.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Conflicts">Concurrent writes met while merging.</param>
/// <param name="Changed">
/// For applied operations: whether the server's document changed. When it did not (the write lost its merge), no new
/// version will arrive through the change log, so the client rebases its view on its server copy at once.
/// </param>
public sealed record OperationResult(long Sequence, OperationStatus Status, string? Reason, IReadOnlyList<ConflictRecord> Conflicts, bool Changed = true)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var conflicts = new BsonArray();
        foreach (var c in Conflicts) conflicts.Add(SyncCodec.Conflict(c));
        var doc = new BsonDocument { { "seq", Sequence }, { "status", Status.ToString().ToLowerInvariant() } };
        if (Reason is not null) doc.Add("reason", Reason);
        doc.Add("conflicts", conflicts);
        doc.Add("changed", Changed);
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static OperationResult FromBson(BsonDocument doc)
    {
        var conflicts = new List<ConflictRecord>();
        if (doc.TryGetValue("conflicts", out var c))
            foreach (var item in c.AsArray) conflicts.Add(SyncCodec.Conflict(item.AsDocument));
        return new(SyncCodec.Int64(doc, "seq"), Enum.Parse<OperationStatus>(SyncCodec.String(doc, "status"), ignoreCase: true),
            doc.TryGetValue("reason", out var r) && r is BsonString rs ? rs.Value : null, conflicts,
            !doc.TryGetValue("changed", out var ch) || ch is not BsonBoolean { Value: false });
    }
}
