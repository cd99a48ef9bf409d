namespace Outpost.Engine.Ttl;

/// <summary>
/// The background TTL sweeper (MongoDB's TTLMonitor): every <see cref="EngineOptions.TtlMonitorInterval"/> it runs
/// <see cref="OutpostEngine.RunTtlPassAsync"/>. One per engine; stopped when the engine is disposed.
/// </summary>
internal sealed class TtlMonitor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TtlMonitor(OutpostEngine engine, TimeSpan interval)
    {
        _loop = Task.Run(() => LoopAsync(engine, interval, _stop.Token));
    }

    /// <summary>Passes completed and documents they deleted (for diagnostics; serverStatus' metrics.ttl in MongoDB).</summary>
    public long Passes { get; private set; }

    public long Deleted { get; private set; }

    private async Task LoopAsync(OutpostEngine engine, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                Deleted += await engine.RunTtlPassAsync(cancellationToken).ConfigureAwait(false);
                Passes++;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MongoException or Outpost.Storage.StorageException or InvalidOperationException)
            {
                // A failed pass (a collection dropped mid-pass, a write conflict storm) is retried on the next tick, as MongoDB does.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }
}
