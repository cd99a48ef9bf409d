namespace Outpost.Sync.Clock;

/// <summary>
/// A hybrid logical clock (Kulkarni et al., 2014): readings never go backwards, stay close to physical time, and
/// after <see cref="Observe"/> are greater than every reading seen from another node — so a device whose wall clock
/// is wrong still orders its edits after the edits it has already seen.
/// </summary>
public sealed class HybridLogicalClock
{
    private readonly Func<long> _physicalMilliseconds;
    private readonly Lock _gate = new();
    private HlcTimestamp _last;

    /// <param name="node">This node's id (device or server), used to break ties.</param>
    /// <param name="physicalMilliseconds">The wall clock; injectable so tests can skew it.</param>
    /// <param name="maxForwardDrift">How far ahead of our wall clock a remote reading may be before it is refused.</param>
    public HybridLogicalClock(string node, Func<long>? physicalMilliseconds = null, TimeSpan? maxForwardDrift = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        Node = node;
        _physicalMilliseconds = physicalMilliseconds ?? (() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        MaxForwardDrift = maxForwardDrift ?? TimeSpan.FromDays(1);
    }

    public string Node { get; }

    /// <summary>
    /// Remote readings further ahead than this are refused: one device with a clock set years ahead would otherwise
    /// drag every clock in the system with it and win every last-writer-wins race until real time caught up.
    /// </summary>
    public TimeSpan MaxForwardDrift { get; }

    /// <summary>The latest reading handed out or observed.</summary>
    public HlcTimestamp Last
    {
        get { lock (_gate) return _last; }
    }

    /// <summary>A new reading for a local event, greater than every earlier one.</summary>
    public HlcTimestamp Now()
    {
        lock (_gate)
        {
            long physical = _physicalMilliseconds();
            _last = physical > _last.WallMilliseconds ? new HlcTimestamp(physical, 0) : Tick(_last);
            return _last;
        }
    }

    /// <summary>A new stamp for a local write.</summary>
    public FieldStamp Stamp() => new(Now(), Node);

    /// <summary>Merges a reading received from another node; later local readings are greater than it.</summary>
    /// <returns>False (and the clock unchanged) when the reading is beyond <see cref="MaxForwardDrift"/>.</returns>
    public bool Observe(HlcTimestamp remote)
    {
        lock (_gate)
        {
            long physical = _physicalMilliseconds();
            if (remote.WallMilliseconds - physical > (long)MaxForwardDrift.TotalMilliseconds)
            {
                return false;
            }
            long wall = Math.Max(physical, Math.Max(_last.WallMilliseconds, remote.WallMilliseconds));
            int counter;
            if (wall == _last.WallMilliseconds && wall == remote.WallMilliseconds)
            {
                counter = Math.Max(_last.Counter, remote.Counter) + 1;
            }
            else if (wall == _last.WallMilliseconds)
            {
                counter = _last.Counter + 1;
            }
            else if (wall == remote.WallMilliseconds)
            {
                counter = remote.Counter + 1;
            }
            else
            {
                counter = 0;
            }
            _last = counter > HlcTimestamp.MaxCounter ? new HlcTimestamp(wall + 1, 0) : new HlcTimestamp(wall, counter);
            return true;
        }
    }

    private static HlcTimestamp Tick(HlcTimestamp last) =>
        last.Counter == HlcTimestamp.MaxCounter
            ? new HlcTimestamp(last.WallMilliseconds + 1, 0)
            : new HlcTimestamp(last.WallMilliseconds, last.Counter + 1);
}
