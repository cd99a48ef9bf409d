using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outpost.Bson;
using Shopfloor.Security;

namespace Shopfloor.Server.Endpoints;

/// <summary>Photos: create, read, partial update, delete and search, all for the signed-in device's department.</summary>
internal static class PhotoEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ShopfloorServices services)
    {
        var photos = app.MapGroup("/api/photos").AddEndpointFilter(new DeviceAuthFilter(services));

        photos.MapPost("/", async (HttpContext context, CancellationToken ct) =>
        {
            var body = await HttpBson.ReadDocumentAsync(context.Request, ct).ConfigureAwait(false);
            var created = await services.Photos.CreateAsync(DeviceAuthFilter.Device(context), body, ct).ConfigureAwait(false);
            context.Response.Headers.Location = "/api/photos/" + created["_id"].AsObjectId;
            return HttpBson.Json(created, StatusCodes.Status201Created);
        }).WithName("createPhoto");

        photos.MapGet("/{id}", async (string id, HttpContext context, CancellationToken ct) =>
        {
            var photo = await services.Photos.GetAsync(DeviceAuthFilter.Device(context), HttpBson.ParseObjectId(id, "id"), ct).ConfigureAwait(false);
            return photo is null ? NotFound(id) : HttpBson.Json(photo);
        }).WithName("getPhoto");

        photos.MapPatch("/{id}", async (string id, HttpContext context, CancellationToken ct) =>
        {
            var body = await HttpBson.ReadDocumentAsync(context.Request, ct).ConfigureAwait(false);
            var photo = await services.Photos.UpdateAsync(DeviceAuthFilter.Device(context), HttpBson.ParseObjectId(id, "id"), body, ct).ConfigureAwait(false);
            return photo is null ? NotFound(id) : HttpBson.Json(photo);
        }).WithName("updatePhoto");

        photos.MapDelete("/{id}", async (string id, HttpContext context, CancellationToken ct) =>
        {
            var deleted = await services.Photos.DeleteAsync(DeviceAuthFilter.Device(context), HttpBson.ParseObjectId(id, "id"), ct).ConfigureAwait(false);
            return deleted ? Results.NoContent() : NotFound(id);
        }).WithName("deletePhoto");

        photos.MapGet("/", async (HttpContext context, CancellationToken ct) =>
        {
            var device = DeviceAuthFilter.Device(context);
            var request = context.Request;
            var department = HttpBson.QueryString(request, "departmentId") ?? device.DepartmentId;
            services.Authorizer.Demand(device, Permissions.PhotoRead, department);
            var projectText = HttpBson.QueryString(request, "projectId");
            var query = new PhotoSearchQuery
            {
                Text = HttpBson.QueryString(request, "q"),
                DepartmentId = department,
                ProjectId = projectText is null ? null : HttpBson.ParseObjectId(projectText, "projectId"),
                From = HttpBson.QueryDate(request, "from"),
                To = HttpBson.QueryDate(request, "to"),
                MinQuality = HttpBson.QueryInt(request, "minQuality"),
                MaxQuality = HttpBson.QueryInt(request, "maxQuality"),
                HasDefects = HttpBson.QueryBool(request, "hasDefects"),
                Page = HttpBson.QueryInt(request, "page") ?? 1,
                Limit = HttpBson.QueryInt(request, "limit") ?? 20,
            };
            var result = await services.Search.SearchAsync(query, ct).ConfigureAwait(false);
            var decrypted = new BsonArray();
            foreach (var photo in result["photos"].AsArray)
            {
                decrypted.Add(services.Protector.Unprotect(photo.AsDocument, device, services.Authorizer));
            }
            result.Set("photos", decrypted);
            return HttpBson.Json(result);
        }).WithName("searchPhotos");
    }

    private static IResult NotFound(string id) => ProblemResponses.Result(StatusCodes.Status404NotFound, "NotFound", $"no photo {id}");
}
