using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outpost.Sync.Attachments;
using Outpost.Sync.Protocol;
using Outpost.Sync.Server;

namespace Outpost.Sync.Snapshots;

/// <summary>Maps the snapshot-file endpoints (<c>/sync/v1/snapshot-file/*</c>) onto ASP.NET Core.</summary>
public static class SnapshotFileEndpoints
{
    /// <summary>
    /// Maps the snapshot-file endpoints when a <see cref="SnapshotFileService"/> is registered in the app's services.
    /// </summary>
    public static WebApplication MapOutpostSyncSnapshotFiles(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService(typeof(SnapshotFileService)) is SnapshotFileService service) app.MapOutpostSyncSnapshotFiles(service);
        return app;
    }

    /// <summary>Maps <c>build</c> and <c>read</c> to <paramref name="service"/>.</summary>
    public static IEndpointRouteBuilder MapOutpostSyncSnapshotFiles(this IEndpointRouteBuilder endpoints, SnapshotFileService service)
    {
        foreach (var name in new[] { SnapshotFileProtocol.Build, SnapshotFileProtocol.Read })
        {
            var endpoint = name;
            endpoints.MapPost($"{SyncProtocol.BasePath}/{endpoint}", (HttpContext http) => ServeAsync(http, service, endpoint));
        }
        // The efficient path for HTTP clients: the file straight from disk, resumable with Range requests.
        endpoints.MapGet($"{SyncProtocol.BasePath}/{SnapshotFileProtocol.DownloadPrefix}{{fileId}}", (HttpContext http, string fileId) => DownloadAsync(http, service, fileId));
        return endpoints;
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, SnapshotFileService service, string fileId)
    {
        var header = http.Request.Headers.Authorization.ToString();
        string? token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var file = await service.AuthorizeDownloadAsync(token, fileId, http.RequestAborted).ConfigureAwait(false);
        if (file is not { } f) return Results.NotFound();
        http.Response.Headers["X-Outpost-Sha256"] = f.Info.Sha256;
        return Results.File(f.Path, "application/vnd.sqlite3", enableRangeProcessing: true);
    }

    private static Task ServeAsync(HttpContext http, SnapshotFileService service, string endpoint) =>
        BsonPostHandler.HandleAsync(http, AttachmentProtocol.MaxChunkSize + 64 * 1024, (body, token, ct) => service.HandleAsync(endpoint, body, token, ct));
}
