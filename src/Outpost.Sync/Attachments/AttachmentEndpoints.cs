using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outpost.Sync.Protocol;
using Outpost.Sync.Server;

namespace Outpost.Sync.Attachments;

/// <summary>Maps the attachment endpoints (<c>/sync/v1/attachments/*</c>) onto ASP.NET Core.</summary>
public static class AttachmentEndpoints
{
    /// <summary>
    /// Maps the attachment endpoints when an <see cref="AttachmentService"/> is registered in the app's services (the
    /// host stays unchanged when attachments are not configured).
    /// </summary>
    public static WebApplication MapOutpostSyncAttachments(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService(typeof(AttachmentService)) is AttachmentService service) app.MapOutpostSyncAttachments(service);
        return app;
    }

    /// <summary>Maps <c>begin</c>, <c>chunk</c>, <c>complete</c> and <c>download</c> to <paramref name="service"/>.</summary>
    public static IEndpointRouteBuilder MapOutpostSyncAttachments(this IEndpointRouteBuilder endpoints, AttachmentService service)
    {
        foreach (var name in new[] { AttachmentProtocol.Begin, AttachmentProtocol.Chunk, AttachmentProtocol.Complete, AttachmentProtocol.Download })
        {
            var endpoint = name;
            endpoints.MapPost($"{SyncProtocol.BasePath}/{endpoint}", (HttpContext http) => ServeAsync(http, service, endpoint));
        }
        return endpoints;
    }

    private static Task ServeAsync(HttpContext http, AttachmentService service, string endpoint) =>
        BsonPostHandler.HandleAsync(http, AttachmentProtocol.MaxChunkSize + 64 * 1024, (body, token, ct) => service.HandleAsync(endpoint, body, token, ct));
}
