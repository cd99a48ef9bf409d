using Outpost.Bson;

namespace Outpost.Wire.Hosting;

/// <summary>
/// The logical clock behind operationTime and $clusterTime: (unix seconds, increment), strictly increasing,
/// so causally consistent reads with afterClusterTime always see a time the server has reached.
/// </summary>
public sealed class ClusterClock
{
    private readonly Lock _lock = new();
    private ulong _last;

    /// <summary>The latest time handed out (ticks once if none yet).</summary>
    public BsonTimestamp Current
    {
        get
        {
            lock (_lock)
            {
                return _last == 0 ? TickLocked() : new BsonTimestamp(_last);
            }
        }
    }

    /// <summary>Advances the clock for a write and returns the new time.</summary>
    public BsonTimestamp Tick()
    {
        lock (_lock)
        {
            return TickLocked();
        }
    }

    /// <summary>Moves the clock forward to at least <paramref name="time"/> (gossiped cluster times).</summary>
    public void Advance(BsonTimestamp time)
    {
        ArgumentNullException.ThrowIfNull(time);
        lock (_lock)
        {
            if (time.Value > _last) _last = time.Value;
        }
    }

    private BsonTimestamp TickLocked()
    {
        ulong seconds = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        ulong candidate = seconds << 32 | 1;
        _last = candidate > _last ? candidate : _last + 1;
        return new BsonTimestamp(_last);
    }
}
