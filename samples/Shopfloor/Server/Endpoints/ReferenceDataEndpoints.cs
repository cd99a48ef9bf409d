using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shopfloor.Security;

namespace Shopfloor.Server.Endpoints;

/// <summary>
/// Departments and projects. Devices read departments and the projects of their own department; writes need the
/// administrator key.
/// </summary>
internal static class ReferenceDataEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ShopfloorServices services)
    {
        var data = services.ReferenceData;
        var read = app.MapGroup("/api").AddEndpointFilter(new DeviceAuthFilter(services));
        var admin = app.MapGroup("/api").AddEndpointFilter(new AdminKeyFilter(services));

        read.MapGet("/departments", async (CancellationToken ct) => HttpBson.Array(await data.ListDepartmentsAsync(ct).ConfigureAwait(false))).WithName("listDepartments");
        read.MapGet("/departments/{id}", async (string id, CancellationToken ct) =>
            await data.GetDepartmentAsync(id, ct).ConfigureAwait(false) is { } d ? HttpBson.Json(d) : NotFound("department", id)).WithName("getDepartment");
        admin.MapPost("/departments", async (HttpRequest request, CancellationToken ct) =>
            HttpBson.Json(await data.CreateDepartmentAsync(await HttpBson.ReadDocumentAsync(request, ct).ConfigureAwait(false), ct).ConfigureAwait(false), StatusCodes.Status201Created)).WithName("createDepartment");
        admin.MapPatch("/departments/{id}", async (string id, HttpRequest request, CancellationToken ct) =>
            await data.UpdateDepartmentAsync(id, await HttpBson.ReadDocumentAsync(request, ct).ConfigureAwait(false), ct).ConfigureAwait(false) is { } d ? HttpBson.Json(d) : NotFound("department", id)).WithName("updateDepartment");
        admin.MapDelete("/departments/{id}", async (string id, CancellationToken ct) =>
            await data.DeleteDepartmentAsync(id, ct).ConfigureAwait(false) ? Results.NoContent() : NotFound("department", id)).WithName("deleteDepartment");

        read.MapGet("/projects", async (HttpContext context, CancellationToken ct) =>
            HttpBson.Array(await data.ListProjectsAsync(DeviceAuthFilter.Device(context).DepartmentId, ct).ConfigureAwait(false))).WithName("listProjects");
        read.MapGet("/projects/{id}", async (string id, HttpContext context, CancellationToken ct) =>
        {
            var device = DeviceAuthFilter.Device(context);
            var project = await data.GetProjectAsync(HttpBson.ParseObjectId(id, "id"), ct).ConfigureAwait(false);
            if (project is null)
            {
                return NotFound("project", id);
            }
            // A project is visible to the departments it involves.
            var involves = false;
            foreach (var d in project["departments"].AsArray)
            {
                involves |= d.AsString == device.DepartmentId;
            }
            services.Authorizer.Demand(device, Permissions.PhotoRead, involves ? device.DepartmentId : null);
            return HttpBson.Json(project);
        }).WithName("getProject");
        admin.MapPost("/projects", async (HttpRequest request, CancellationToken ct) =>
            HttpBson.Json(await data.CreateProjectAsync(await HttpBson.ReadDocumentAsync(request, ct).ConfigureAwait(false), ct).ConfigureAwait(false), StatusCodes.Status201Created)).WithName("createProject");
        admin.MapPatch("/projects/{id}", async (string id, HttpRequest request, CancellationToken ct) =>
            await data.UpdateProjectAsync(HttpBson.ParseObjectId(id, "id"), await HttpBson.ReadDocumentAsync(request, ct).ConfigureAwait(false), ct).ConfigureAwait(false) is { } p ? HttpBson.Json(p) : NotFound("project", id)).WithName("updateProject");
        admin.MapDelete("/projects/{id}", async (string id, CancellationToken ct) =>
            await data.DeleteProjectAsync(HttpBson.ParseObjectId(id, "id"), ct).ConfigureAwait(false) ? Results.NoContent() : NotFound("project", id)).WithName("deleteProject");
    }

    private static IResult NotFound(string what, string id) => ProblemResponses.Result(StatusCodes.Status404NotFound, "NotFound", $"no {what} {id}");
}
