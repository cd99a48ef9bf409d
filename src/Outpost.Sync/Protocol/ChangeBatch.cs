using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>
/// Changes of the log positions (<see cref="From"/>, <see cref="To"/>] visible to one client: the reply to a pull and the
/// message of the live socket. Apply in order in one local transaction, then store <see cref="To"/> as the checkpoint.
/// </summary>
public sealed record ChangeBatch(long From, long To, bool More, long ServerTime, IReadOnlyList<SyncChange> Changes)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson() => new()
    {
        { "ok", 1 }, { "from", From }, { "to", To }, { "more", More }, { "serverTime", ServerTime }, { "changes", SyncChange.ToArray(Changes) },
    };

    /// <summary>Parses the wire form.</summary>
    public static ChangeBatch FromBson(BsonDocument doc) =>
        new(SyncCodec.Int64(doc, "from"), SyncCodec.Int64(doc, "to"), doc.TryGetValue("more", out var m) && m is BsonBoolean { Value: true },
            SyncCodec.Int64(doc, "serverTime", 0), SyncChange.FromArray(doc.TryGetValue("changes", out var c) ? c : null));
}
