namespace Outpost.Wire.Transport;

/// <summary>
/// The adaptive transport's budget of connection threads (<see cref="WireServerOptions.MaxConnectionThreads"/>): a
/// connection takes one to run on blocking calls and gives it back when it leaves its thread or ends.
/// </summary>
internal sealed class ConnectionThreads(int limit)
{
    private int _count;

    /// <summary>Connection threads running now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Takes a thread from the budget; false when all are taken.</summary>
    public bool TryAcquire()
    {
        if (Interlocked.Increment(ref _count) <= limit) return true;
        Interlocked.Decrement(ref _count);
        return false;
    }

    /// <summary>Gives a thread back.</summary>
    public void Release() => Interlocked.Decrement(ref _count);
}
