using System.Collections.Concurrent;
using Outpost.Bson;

namespace Outpost.Wire.Sessions;

/// <summary>Logical sessions by lsid.id; idle sessions expire after the session timeout and their transactions abort.</summary>
public sealed class SessionTable(TimeProvider time, TimeSpan idleTimeout)
{
    private readonly ConcurrentDictionary<BsonValue, ServerSession> _sessions = new();

    /// <summary>Active sessions.</summary>
    public int Count => _sessions.Count;

    /// <summary>The session for an lsid document, created on first use.</summary>
    public ServerSession GetOrCreate(BsonDocument lsid)
    {
        ArgumentNullException.ThrowIfNull(lsid);
        if (!lsid.TryGetValue("id", out var id)) throw new MongoException(ErrorCodes.BadValue, "lsid must contain an 'id' field");
        var session = _sessions.GetOrAdd(id, static (_, l) => new ServerSession(l), lsid);
        session.LastUsed = time.GetTimestamp();
        return session;
    }

    /// <summary>The sessions as <c>$listLocalSessions</c> reports them: <c>{_id: lsid, lastUse}</c>.</summary>
    public List<BsonDocument> Describe()
    {
        var now = time.GetUtcNow();
        long nowTicks = time.GetTimestamp();
        var list = new List<BsonDocument>(_sessions.Count);
        foreach (var session in _sessions.Values)
        {
            var lastUse = now - time.GetElapsedTime(session.LastUsed, nowTicks);
            list.Add(new BsonDocument { { "_id", session.Lsid.DeepClone() }, { "lastUse", new BsonDateTime(lastUse) } });
        }
        return list;
    }

    /// <summary>Ends sessions: aborts their transactions and forgets them.</summary>
    public async ValueTask EndAsync(IEnumerable<BsonValue> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
        {
            if (_sessions.TryRemove(id, out var session)) await AbortAsync(session).ConfigureAwait(false);
        }
    }

    /// <summary>Ends every session.</summary>
    public ValueTask EndAllAsync() => EndAsync(_sessions.Keys.ToList());

    /// <summary>Expires idle sessions; returns how many.</summary>
    public async ValueTask<int> ReapAsync()
    {
        int n = 0;
        long now = time.GetTimestamp();
        foreach (var (id, session) in _sessions)
        {
            if (time.GetElapsedTime(session.LastUsed, now) < idleTimeout) continue;
            if (_sessions.TryRemove(id, out _))
            {
                await AbortAsync(session).ConfigureAwait(false);
                n++;
            }
        }
        return n;
    }

    private static async ValueTask AbortAsync(ServerSession session)
    {
        await session.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await session.AbortTransactionAsync().ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }
}
