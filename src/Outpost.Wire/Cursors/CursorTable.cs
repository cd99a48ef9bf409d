using System.Collections.Concurrent;
using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Engine;

namespace Outpost.Wire.Cursors;

/// <summary>
/// Open cursors by id. Ids are random 63-bit numbers (guessing another client's cursor is impractical).
/// Idle cursors are closed after the cursor timeout by <see cref="ReapAsync"/>, which the host calls periodically.
/// </summary>
public sealed class CursorTable(TimeProvider time, TimeSpan idleTimeout)
{
    private readonly ConcurrentDictionary<long, CursorEntry> _cursors = new();

    /// <summary>Open cursors.</summary>
    public int Count => _cursors.Count;

    /// <summary>Registers an engine cursor and returns its entry.</summary>
    public CursorEntry Add(Cursor cursor, string ns, BsonDocument? sessionId, bool tailable, bool awaitData, bool noTimeout, string? owner = null)
    {
        while (true)
        {
            long id = RandomNumberGenerator.GetInt32(1, int.MaxValue) * (long)int.MaxValue + RandomNumberGenerator.GetInt32(int.MaxValue);
            var entry = new CursorEntry
            {
                Id = id, Namespace = ns, Cursor = cursor, SessionId = sessionId, Tailable = tailable, AwaitData = awaitData,
                NoTimeout = noTimeout, LastUsed = time.GetTimestamp(), Owner = owner,
            };
            if (_cursors.TryAdd(id, entry)) return entry;
        }
    }

    /// <summary>Looks up a cursor.</summary>
    public bool TryGet(long id, out CursorEntry entry) => _cursors.TryGetValue(id, out entry!);

    /// <summary>Removes and disposes a cursor; false if it was not open.</summary>
    public async ValueTask<bool> KillAsync(long id)
    {
        if (!_cursors.TryRemove(id, out var entry)) return false;
        await entry.Cursor.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes a cursor that is exhausted (already disposed by the caller or about to be).</summary>
    public void Forget(long id) => _cursors.TryRemove(id, out _);

    /// <summary>Kills the cursors opened by the given sessions (lsid ids); all session cursors when <paramref name="sessionIds"/> is null.</summary>
    public async ValueTask KillSessionCursorsAsync(IReadOnlyCollection<BsonValue>? sessionIds)
    {
        foreach (var (id, entry) in _cursors)
        {
            if (entry.SessionId is null) continue;
            if (sessionIds is not null && !(entry.SessionId.TryGetValue("id", out var sid) && sessionIds.Contains(sid))) continue;
            await KillAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>Closes cursors idle longer than the timeout; returns how many.</summary>
    public async ValueTask<int> ReapAsync()
    {
        int reaped = 0;
        long now = time.GetTimestamp();
        foreach (var (id, entry) in _cursors)
        {
            if (entry.NoTimeout || time.GetElapsedTime(entry.LastUsed, now) < idleTimeout) continue;
            if (!entry.Gate.Wait(0)) continue; // in use right now
            try
            {
                if (await KillAsync(id).ConfigureAwait(false)) reaped++;
            }
            finally
            {
                entry.Gate.Release();
            }
        }
        return reaped;
    }

    /// <summary>Closes every cursor (shutdown, killAllSessions).</summary>
    public async ValueTask KillAllAsync()
    {
        foreach (var id in _cursors.Keys) await KillAsync(id).ConfigureAwait(false);
    }
}
