using Outpost.Bson;
using Outpost.Client.Policies;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Client;

public sealed partial class OutpostClient
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Starts the background sync loop (and the live socket while the policy allows it).</summary>
    public void StartSync()
    {
        lock (_collections)
        {
            _loop ??= Task.Run(() => RunLoopAsync(_stop.Token));
        }
    }

    /// <summary>Stops the background loop and the live socket.</summary>
    public async Task StopSyncAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { _loop, _live })
        {
            if (task is null) continue;
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (e is SyncTransportException or SyncProtocolException or IOException)
            {
                // failures while shutting down do not matter any more
            }
        }
    }

    /// <summary>Asks the loop for a round now (after a local write, or when the live stream skipped ahead).</summary>
    public void WakeSync()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // a wake-up is already pending
        }
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var condition = _options.Network();
            TimeSpan wait = _options.Policy.Interval(condition);
            if (_options.Policy.ShouldRun(SyncPriority.Metadata, condition))
            {
                try
                {
                    await SyncNowAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var lane in _options.Lanes.OrderBy(l => l.Priority))
                    {
                        if (_options.Policy.ShouldRun(lane.Priority, _options.Network()))
                            await lane.RunAsync(this, cancellationToken).ConfigureAwait(false);
                    }
                    failures = 0;
                    if (_options.Policy.UseLive(condition) && Checkpoint is not null)
                    {
                        lock (_collections) _live ??= Task.Run(() => RunLiveAsync(cancellationToken));
                    }
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is SyncTransportException or SyncProtocolException or IOException)
                {
                    failures++;
                    wait = _backoff.Delay(failures);
                    SyncFailed?.Invoke(this, e);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
            try
            {
                // Backoff after a failure is honoured in full; otherwise a local write or the live stream wakes us early.
                if (failures > 0) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                else await _wake.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Holds the live socket open while the policy allows it; batches apply as they arrive.</summary>
    private async Task RunLiveAsync(CancellationToken cancellationToken)
    {
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!_options.Policy.UseLive(_options.Network()) || Checkpoint is not { } checkpoint)
            {
                await Task.Delay(_options.Policy.Interval(_options.Network()), cancellationToken).ConfigureAwait(false);
                continue;
            }
            try
            {
                var token = _options.TokenProvider is null ? null : await _options.TokenProvider(cancellationToken).ConfigureAwait(false);
                await using var channel = await _transport.ConnectLiveAsync(new LiveRequest(_options.Subscriptions, checkpoint).ToBson(), token, cancellationToken).ConfigureAwait(false);
                failures = 0;
                while (await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
                {
                    if (message.TryGetValue("ok", out var ok) && ok.ToDouble() != 1) break;
                    if (!message.Contains("from")) continue; // ping
                    var batch = ChangeBatch.FromBson(message);
                    if (!await ApplyBatchAsync(batch, cancellationToken).ConfigureAwait(false) && Checkpoint is { } cp && batch.From > cp)
                        WakeSync(); // we missed something: an HTTP pull fills the gap
                    if (!_options.Policy.UseLive(_options.Network())) break;
                }
            }
            catch (Exception e) when (e is SyncTransportException or SyncProtocolException or IOException or FormatException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
            {
                if (cancellationToken.IsCancellationRequested) return;
                failures++;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(failures == 0 ? TimeSpan.FromMilliseconds(50) : _backoff.Delay(failures), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
