namespace Outpost.Storage;

/// <summary>
/// A building block for backends: remembers the highest committed log position seen and wakes waiters when it
/// grows. Waiters observe a generation task before checking the position, so a signal between the check and the
/// wait is never lost.
/// </summary>
public sealed class LogPositionSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _position;

    /// <summary>The highest position published so far.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Records that entries up to <paramref name="position"/> are committed, and wakes every waiter.</summary>
    public void Publish(long position)
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            if (position > _position) _position = position;
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }

    /// <summary>Wakes every waiter without a new position (they re-check through their own query).</summary>
    public void Pulse() => Publish(0);

    /// <summary>The task completed by the next <see cref="Publish"/> or <see cref="Pulse"/>.</summary>
    public Task NextSignal
    {
        get
        {
            lock (_gate) return _next.Task;
        }
    }
}
