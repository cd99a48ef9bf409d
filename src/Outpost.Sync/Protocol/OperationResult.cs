using Outpost.Bson;
using Outpost.Sync.Merge;

namespace Outpost.Sync.Protocol;

/// <summary>The server's answer for one pushed operation.</summary>
public sealed record OperationResult(long Sequence, OperationStatus Status, string? Reason, IReadOnlyList<ConflictRecord> Conflicts)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var conflicts = new BsonArray();
        foreach (var c in Conflicts) conflicts.Add(SyncCodec.Conflict(c));
        var doc = new BsonDocument { { "seq", Sequence }, { "status", Status.ToString().ToLowerInvariant() } };
        if (Reason is not null) doc.Add("reason", Reason);
        doc.Add("conflicts", conflicts);
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static OperationResult FromBson(BsonDocument doc)
    {
        var conflicts = new List<ConflictRecord>();
        if (doc.TryGetValue("conflicts", out var c))
            foreach (var item in c.AsArray) conflicts.Add(SyncCodec.Conflict(item.AsDocument));
        return new(SyncCodec.Int64(doc, "seq"), Enum.Parse<OperationStatus>(SyncCodec.String(doc, "status"), ignoreCase: true),
            doc.TryGetValue("reason", out var r) && r is BsonString rs ? rs.Value : null, conflicts);
    }
}
