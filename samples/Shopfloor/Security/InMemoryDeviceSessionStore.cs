using System.Collections.Concurrent;

namespace Shopfloor.Security;

/// <summary>A process-local <see cref="IDeviceSessionStore"/>.</summary>
public sealed class InMemoryDeviceSessionStore : IDeviceSessionStore
{
    private readonly ConcurrentDictionary<string, DeviceSession> _sessions = new(StringComparer.Ordinal);

    public ValueTask CreateAsync(DeviceSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!_sessions.TryAdd(session.SessionId, session))
        {
            throw new InvalidOperationException($"Session '{session.SessionId}' already exists.");
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<DeviceSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_sessions.TryGetValue(sessionId, out var s) ? s : null);

    public ValueTask TouchAsync(string sessionId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        _sessions.AddOrUpdate(sessionId, _ => throw new KeyNotFoundException(sessionId),
            (_, s) => at > s.LastActivity ? s with { LastActivity = at } : s);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> RevokeAsync(string sessionId, DateTimeOffset at, string reason, CancellationToken cancellationToken = default)
    {
        while (_sessions.TryGetValue(sessionId, out var s))
        {
            if (s.RevokedAt is not null || _sessions.TryUpdate(sessionId, s with { RevokedAt = at, RevokedReason = reason }, s))
            {
                return ValueTask.FromResult(true);
            }
        }
        return ValueTask.FromResult(false);
    }

    public async ValueTask<int> RevokeDeviceAsync(string deviceId, DateTimeOffset at, string reason, CancellationToken cancellationToken = default)
    {
        var count = 0;
        foreach (var (id, s) in _sessions)
        {
            if (s.DeviceId == deviceId && s.RevokedAt is null && await RevokeAsync(id, at, reason, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }
        return count;
    }
}
