using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>
/// <c>POST /sync/v1/pull</c>: the change log after <see cref="Checkpoint"/>, filtered by the client's rules. With
/// <see cref="ClientId"/>, the entries written by that client's pushes named in <see cref="Echoes"/> (their
/// <see cref="PushResponse.EchoSeq"/>, whose versions the client already holds) are left out.
/// </summary>
public sealed record PullRequest(IReadOnlyList<SyncSubscription> Subscriptions, long Checkpoint, int Limit = SyncProtocol.DefaultLimit,
    string? ClientId = null, IReadOnlyList<long>? Echoes = null)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument
        {
            { "v", SyncProtocol.Version }, { "subs", SyncSubscription.ToArray(Subscriptions) }, { "checkpoint", Checkpoint }, { "limit", Limit },
        };
        if (ClientId is not null && Echoes is { Count: > 0 })
        {
            var echoes = new BsonArray();
            foreach (var e in Echoes) echoes.Add(e);
            doc.Add("clientId", ClientId);
            doc.Add("echoes", echoes);
        }
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static PullRequest FromBson(BsonDocument doc)
    {
        List<long>? echoes = null;
        if (doc.TryGetValue("echoes", out var e) && e is BsonArray array)
        {
            echoes = new List<long>(array.Count);
            foreach (var item in array) echoes.Add(item.ToInt64());
        }
        return new(SyncSubscription.FromArray(doc.TryGetValue("subs", out var s) ? s : null), SyncCodec.Int64(doc, "checkpoint"),
            (int)Math.Clamp(SyncCodec.Int64(doc, "limit", SyncProtocol.DefaultLimit), 1, SyncProtocol.MaxLimit),
            doc.TryGetValue("clientId", out var c) && c is BsonString cs ? cs.Value : null, echoes);
    }
}
