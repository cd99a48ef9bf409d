using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Sync.Attachments;
using Outpost.Sync.Server;

namespace Shopfloor.Device;

/// <summary>
/// Serves <c>/sync/v1/*</c> (documents, live socket, attachments) of a <see cref="ShopfloorSyncServer"/> over HTTP on
/// its own port, so real device processes (<c>shopfloor-device sync</c>) can reach it.
/// </summary>
public static class DeviceSyncEndpoint
{
    /// <summary>Starts listening on loopback <paramref name="port"/>; dispose the returned app to stop.</summary>
    public static async Task<WebApplication> StartAsync(ShopfloorSyncServer server, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port));
        var app = builder.Build();
        app.UseWebSockets();
        app.MapOutpostSync(server.Sync);
        app.MapOutpostSyncAttachments(server.Attachments);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }
}
