using System.Collections.Concurrent;
using System.Net;

namespace Outpost.Wire.Auth;

/// <summary>Counts failed logins per client address in a sliding window, so password guessing is slowed and logged.</summary>
public sealed class LoginRateLimiter(int maxFailures, TimeSpan window, TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<IPAddress, Queue<long>> _failures = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>True when <paramref name="address"/> may try again now.</summary>
    public bool IsAllowed(IPAddress? address)
    {
        if (address is null || !_failures.TryGetValue(address, out var queue)) return true;
        lock (queue)
        {
            Trim(queue);
            return queue.Count < maxFailures;
        }
    }

    /// <summary>Records a failed attempt from <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address)
    {
        if (address is null) return;
        var queue = _failures.GetOrAdd(address, static _ => new Queue<long>());
        lock (queue)
        {
            Trim(queue);
            queue.Enqueue(_time.GetTimestamp());
        }
    }

    /// <summary>Forgets failures of <paramref name="address"/> after a success.</summary>
    public void RecordSuccess(IPAddress? address)
    {
        if (address is not null) _failures.TryRemove(address, out _);
    }

    private void Trim(Queue<long> queue)
    {
        long now = _time.GetTimestamp();
        while (queue.Count > 0 && _time.GetElapsedTime(queue.Peek(), now) > window) queue.Dequeue();
    }
}
