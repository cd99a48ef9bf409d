using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outpost.Sync.Attachments;
using Outpost.Sync.Protocol;

namespace Outpost.Sync.Snapshots;

/// <summary>Maps the snapshot-file endpoints (<c>/sync/v1/snapshot-file/*</c>) onto ASP.NET Core.</summary>
public static class SnapshotFileEndpoints
{
    /// <summary>Maps <c>build</c> and <c>read</c> to <paramref name="service"/>.</summary>
    public static IEndpointRouteBuilder MapOutpostSyncSnapshotFiles(this IEndpointRouteBuilder endpoints, SnapshotFileService service)
    {
        foreach (var name in new[] { SnapshotFileProtocol.Build, SnapshotFileProtocol.Read })
        {
            var endpoint = name;
            endpoints.MapPost($"{SyncProtocol.BasePath}/{endpoint}", (HttpContext http) => ServeAsync(http, service, endpoint));
        }
        return endpoints;
    }

    private static Task ServeAsync(HttpContext http, SnapshotFileService service, string endpoint) =>
        BsonPostHandler.HandleAsync(http, (body, token, ct) => service.HandleAsync(endpoint, body, token, ct));
}
