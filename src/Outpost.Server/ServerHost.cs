using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Outpost.Server;

/// <summary>Runs <c>outpost serve</c>: the HTTP endpoints now; the wire listener joins when it lands.</summary>
public static class ServerHost
{
    public static async Task<int> RunAsync(ServeOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Bind, options.HttpPort));
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        Outpost.Sync.Server.SyncEndpoints.MapOutpostSync(app);
        Outpost.Sync.Attachments.AttachmentEndpoints.MapOutpostSyncAttachments(app);
        Outpost.Sync.Snapshots.SnapshotFileEndpoints.MapOutpostSyncSnapshotFiles(app);
        await app.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"outpost {OutpostCli.Version} ready: http on {options.Bind}:{options.HttpPort}, storage {options.Storage}");
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => stopped.TrySetResult());
        await stopped.Task.ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        Console.WriteLine("outpost stopped");
        return 0;
    }
}
