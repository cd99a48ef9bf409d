using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Sync.Server;

/// <summary>Maps the <c>outpost-sync/1</c> endpoints (HTTP POSTs and the live WebSocket) onto ASP.NET Core.</summary>
public static class SyncEndpoints
{
    /// <summary>Maximum request body: a push of many operations, but not unbounded.</summary>
    private const int MaxBodyBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Maps the sync endpoints when a <see cref="SyncService"/> is registered in the app's services (the host stays
    /// unchanged when sync is not configured). Enables WebSockets for the live endpoint.
    /// </summary>
    public static WebApplication MapOutpostSync(this WebApplication app)
    {
        if (app.Services.GetService(typeof(SyncService)) is SyncService service)
        {
            app.UseWebSockets();
            app.MapOutpostSync(service);
            var lifetime = app.Lifetime;
            lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => service.RunForeignWriteStamperAsync(lifetime.ApplicationStopping)));
        }
        return app;
    }

    /// <summary>Maps <c>/sync/v1/*</c> to <paramref name="service"/>. The app must call <c>UseWebSockets()</c> for the live endpoint.</summary>
    public static IEndpointRouteBuilder MapOutpostSync(this IEndpointRouteBuilder endpoints, SyncService service)
    {
        foreach (var name in new[] { SyncProtocol.Hello, SyncProtocol.Snapshot, SyncProtocol.Pull, SyncProtocol.Push, SyncProtocol.Checksum })
        {
            var endpoint = name;
            endpoints.MapPost($"{SyncProtocol.BasePath}/{endpoint}", (HttpContext http) => HandlePostAsync(http, service, endpoint));
        }
        endpoints.MapGet($"{SyncProtocol.BasePath}/{SyncProtocol.Live}", (HttpContext http) => HandleLiveAsync(http, service));
        return endpoints;
    }

    private static Task HandlePostAsync(HttpContext http, SyncService service, string endpoint) =>
        BsonPostHandler.HandleAsync(http, MaxBodyBytes, (body, token, ct) => service.HandleAsync(endpoint, body, token, ct));

    private static async Task HandleLiveAsync(HttpContext http, SyncService service)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            return;
        }
        Rules.SyncPrincipal principal;
        try
        {
            principal = await service.AuthenticateAsync(BsonPostHandler.BearerToken(http.Request), http.RequestAborted).ConfigureAwait(false);
        }
        catch (SyncProtocolException)
        {
            http.Response.StatusCode = 401;
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var channel = new WebSocketMessages(socket);
        var hello = await channel.ReceiveAsync(http.RequestAborted).ConfigureAwait(false);
        if (hello is null) return;
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        // The client sends nothing after its hello; reading on lets us notice a close at once.
        var reader = Task.Run(async () =>
        {
            try
            {
                while (await channel.ReceiveAsync(closed.Token).ConfigureAwait(false) is not null) { }
            }
            catch (Exception) when (closed.IsCancellationRequested || socket.State != System.Net.WebSockets.WebSocketState.Open)
            {
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
            }
            await closed.CancelAsync().ConfigureAwait(false);
        });
        try
        {
            await service.RunLiveAsync(principal, LiveRequest.FromBson(hello), channel.SendAsync, closed.Token).ConfigureAwait(false);
        }
        catch (SyncProtocolException e)
        {
            await channel.SendAsync(e.ToBson(), http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
        }
        await closed.CancelAsync().ConfigureAwait(false);
        await reader.ConfigureAwait(false);
    }
}
