using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>
/// The reply to a push: the highest applied sequence and one result per operation processed. When the push wrote,
/// <see cref="Versions"/> holds the resulting server version of every document it wrote (within the client's read rule;
/// a removal otherwise), all current as of log position <see cref="Position"/>, and <see cref="EchoSeq"/> names the push
/// in the change log: a client that keeps these versions asks <c>pull</c> to leave out that push's entries.
/// </summary>
public sealed record PushResponse(string ClientId, long Acked, long ServerTime, IReadOnlyList<OperationResult> Results,
    long Position = 0, long EchoSeq = 0, IReadOnlyList<SyncChange>? Versions = null)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var results = new BsonArray();
        foreach (var r in Results) results.Add(r.ToBson());
        var doc = new BsonDocument { { "ok", 1 }, { "clientId", ClientId }, { "acked", Acked }, { "serverTime", ServerTime }, { "results", results } };
        if (EchoSeq > 0)
        {
            doc.Add("position", Position);
            doc.Add("echo", EchoSeq);
            doc.Add("versions", SyncChange.ToArray(Versions ?? []));
        }
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static PushResponse FromBson(BsonDocument doc)
    {
        var results = new List<OperationResult>();
        foreach (var item in doc["results"].AsArray) results.Add(OperationResult.FromBson(item.AsDocument));
        return new(SyncCodec.String(doc, "clientId"), SyncCodec.Int64(doc, "acked"), SyncCodec.Int64(doc, "serverTime", 0), results,
            SyncCodec.Int64(doc, "position", 0), SyncCodec.Int64(doc, "echo", 0), SyncChange.FromArray(doc.TryGetValue("versions", out var v) ? v : null));
    }
}
