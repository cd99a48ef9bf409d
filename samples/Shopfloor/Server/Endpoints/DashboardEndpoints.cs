using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outpost;
using Outpost.Bson;
using Outpost.Bson.Json;
using Outpost.Engine;
using Shopfloor.Security;

namespace Shopfloor.Server.Endpoints;

/// <summary>
/// The dashboard numbers (for the signed-in device's department), the live event stream that tells the web
/// dashboard to refresh (Server-Sent Events fed by the engine's change stream on photos), the static dashboard
/// and the OpenAPI document.
/// </summary>
internal static class DashboardEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ShopfloorServices services)
    {
        app.MapGet("/api/dashboard", async (HttpContext context, CancellationToken ct) =>
        {
            var device = DeviceAuthFilter.Device(context);
            services.Authorizer.Demand(device, Permissions.PhotoRead, device.DepartmentId);
            var data = await services.Dashboard.GetAsync(device.DepartmentId, HttpBson.QueryDate(context.Request, "from"), HttpBson.QueryDate(context.Request, "to"), ct).ConfigureAwait(false);
            return HttpBson.Json(data);
        }).AddEndpointFilter(new DeviceAuthFilter(services)).WithName("dashboard");

        app.MapGet("/api/events", async (HttpContext context, CancellationToken ct) =>
        {
            var device = DeviceAuthFilter.Device(context);
            services.Authorizer.Demand(device, Permissions.PhotoRead, device.DepartmentId);
            await StreamChangesAsync(context, services, device, ct).ConfigureAwait(false);
            return Results.Empty;
        }).AddEndpointFilter(new DeviceAuthFilter(services, allowQueryToken: true)).WithName("events");

        app.MapGet("/", () => Results.Redirect("/dashboard/"));
        app.MapGet("/dashboard/{*file}", (string? file) => Asset(string.IsNullOrEmpty(file) ? "index.html" : file));
        app.MapGet("/openapi.json", () => Asset("openapi.json"));
        app.MapGet("/healthz", () => Results.Text("ok"));
    }

    /// <summary>
    /// One SSE "change" event per photo change of the device's department (id and operation only — the page then
    /// re-reads through the authorized API), and a comment line as heartbeat while idle.
    /// </summary>
    private static async Task StreamChangesAsync(HttpContext context, ShopfloorServices services, DevicePrincipal device, CancellationToken ct)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.WriteAsync(": connected\n\n", ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
        var match = new BsonDocument("$match", new BsonDocument("$or", new BsonArray
        {
            new BsonDocument("fullDocument.departmentId", device.DepartmentId),
            // A delete has no document left to name its department; the page re-reads and sees nothing of others.
            new BsonDocument("operationType", "delete"),
        }));
        try
        {
            await using var stream = await services.Database.GetCollection(CollectionNames.Photos)
                .WatchAsync([match], new ChangeStreamOptions { FullDocument = "updateLookup" }, cancellationToken: ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested && !stream.IsExhausted)
            {
                var batch = await stream.NextBatchAsync(100, TimeSpan.FromSeconds(15), cancellationToken: ct).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    await response.WriteAsync(": idle\n\n", ct).ConfigureAwait(false);
                }
                foreach (var change in batch)
                {
                    var payload = new BsonDocument
                    {
                        { "operationType", change["operationType"] },
                        { "id", change.TryGetValue("documentKey", out var key) ? key.AsDocument["_id"] : BsonNull.Value },
                    };
                    await response.WriteAsync("event: change\ndata: " + BsonJson.ToJson(payload) + "\n\n", ct).ConfigureAwait(false);
                }
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser went away.
        }
        catch (MongoException e)
        {
            await response.WriteAsync("event: error\ndata: " + BsonJson.ToJson(new BsonDocument("message", e.Message)) + "\n\n", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static IResult Asset(string file)
    {
        if (file.Contains("..", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Dashboard/" + file);
        if (stream is null)
        {
            return Results.NotFound();
        }
        var type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".json" => "application/json; charset=utf-8",
            ".svg" => "image/svg+xml",
            ".png" => "image/png",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }

}
