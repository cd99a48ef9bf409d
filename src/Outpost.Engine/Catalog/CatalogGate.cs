namespace Outpost.Engine.Catalog;

/// <summary>
/// Orders document writes against DDL in this process: writes hold the shared side for their whole storage
/// transaction, DDL (index builds, drops, renames) the exclusive side. Without it an index build could snapshot the
/// collection while a write using the old index list commits, and the index would miss that document.
/// </summary>
internal sealed class CatalogGate
{
    private readonly SemaphoreSlim _exclusive = new(1, 1);
    private int _shared;
    private TaskCompletionSource? _drained;

    public async ValueTask EnterSharedAsync(CancellationToken cancellationToken)
    {
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _shared);
        _exclusive.Release();
    }

    public void ExitShared()
    {
        if (Interlocked.Decrement(ref _shared) == 0) Volatile.Read(ref _drained)?.TrySetResult();
    }

    public async ValueTask EnterExclusiveAsync(CancellationToken cancellationToken)
    {
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (Volatile.Read(ref _shared) > 0)
            {
                var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _drained, drained);
                if (Volatile.Read(ref _shared) == 0) break;
                await drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            _exclusive.Release();
            throw;
        }
    }

    public void ExitExclusive() => _exclusive.Release();
}
