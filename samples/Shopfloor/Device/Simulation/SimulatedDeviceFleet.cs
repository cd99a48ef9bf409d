using System.Globalization;
using Shopfloor.Demo;

namespace Shopfloor.Device.Simulation;

/// <summary>
/// The demo's device fleet made of simulated tablets: every <paramref name="interval"/> a <see cref="DeviceSimulation"/>
/// run (captures offline, edits, reconnects) syncs into the demo server's engine, and its summary goes to the demo log.
/// Pass <c>ctx =&gt; new SimulatedDeviceFleet(...)</c> as the fleet factory of <see cref="DemoRunner"/>.
/// </summary>
/// <remarks>With <paramref name="syncPort"/> above 0 it also serves device sync over HTTP on that port, trusting the
/// module's sign-in tokens, so <c>shopfloor-device sign-in/capture/sync</c> processes can join the demo.</remarks>
public sealed class SimulatedDeviceFleet(TimeSpan interval, int devicesPerDepartment = 1, int photosPerRun = 2, string database = "shopfloor", int syncPort = 0) : IDeviceFleet
{
    /// <inheritdoc />
    public async Task RunAsync(DemoContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        Microsoft.AspNetCore.Builder.WebApplication? endpoint = null;
        if (syncPort > 0)
        {
            var server = await ShopfloorSyncServer.StartAsync(context.Host.Engine, database, new ShopfloorTokenAuthenticator(context.Host.Services.Tokens), null, cancellationToken).ConfigureAwait(false);
            endpoint = await DeviceSyncEndpoint.StartAsync(server, syncPort, cancellationToken).ConfigureAwait(false);
            await context.Log.WriteLineAsync($"device sync: http://127.0.0.1:{syncPort}/ (sign in at {context.Host.BaseAddress}, then shopfloor-device sync)").ConfigureAwait(false);
        }
        try
        {
            await RunFleetAsync(context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (endpoint is not null) await endpoint.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunFleetAsync(DemoContext context, CancellationToken cancellationToken)
    {
        // One folder for the whole demo: devices reopen their databases run after run, so their outbox sequences continue.
        var directory = Path.Combine(Path.GetTempPath(), "shopfloor-demo-devices-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        int run = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var summary = await DeviceSimulation.RunAsync(new SimulationOptions
                {
                    ServerEngine = context.Host.Engine,
                    Database = database,
                    Projects = context.Projects,
                    DevicesPerDepartment = devicesPerDepartment,
                    PhotosPerDevice = photosPerRun,
                    Rounds = 2,
                    DataDirectory = directory,
                    Seed = ++run,
                    FieldKeys = context.Host.Services.FieldKeys,
                }, cancellationToken).ConfigureAwait(false);
                await context.Log.WriteLineAsync(
                    $"devices: run {run}: {summary.PhotosCaptured} captured, {summary.PhotosSynced} synced, {summary.BytesUploaded:N0} bytes, {summary.ConflictsMerged} conflicts merged, {summary.ConflictsForReview} for review").ConfigureAwait(false);
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The demo is stopping.
        }
    }
}
