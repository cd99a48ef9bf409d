using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outpost;
using Outpost.Bson;
using Shopfloor.Security;

namespace Shopfloor.Server.Endpoints;

/// <summary>Device sign-in (department code + PIN → 24 h JWT), sign-out (revokes the session) and "who am I".</summary>
internal static class AuthEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ShopfloorServices services)
    {
        app.MapPost("/api/auth/sign-in", async (HttpRequest request, CancellationToken ct) =>
        {
            var body = await HttpBson.ReadDocumentAsync(request, ct).ConfigureAwait(false);
            var deviceId = Text(body, "deviceId");
            var code = Text(body, "departmentCode");
            var pin = Text(body, "pin");
            var result = await services.SignIn.SignInAsync(deviceId, code, pin, ct).ConfigureAwait(false);
            if (result.Failure == SignInFailure.LockedOut)
            {
                var seconds = (int)Math.Ceiling((result.RetryAfter ?? TimeSpan.FromMinutes(1)).TotalSeconds);
                request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return ProblemResponses.Result(StatusCodes.Status429TooManyRequests, "LockedOut", "too many failed sign-ins; try again later",
                    new BsonDocument("retryAfterSeconds", seconds));
            }
            if (!result.Succeeded)
            {
                // One message for unknown code and wrong PIN, so department codes cannot be probed.
                return ProblemResponses.Result(StatusCodes.Status401Unauthorized, "SignInFailed", "invalid department code or PIN");
            }
            var session = result.Session!;
            return HttpBson.Json(new BsonDocument
            {
                { "token", result.Token },
                { "tokenType", "Bearer" },
                { "expiresAt", session.ExpiresAt.UtcDateTime },
                { "sessionId", session.SessionId },
                { "deviceId", session.DeviceId },
                { "departmentId", session.DepartmentId },
                { "departmentCode", session.DepartmentCode },
                { "permissions", Strings(session.Permissions) },
            });
        }).WithName("signIn");

        app.MapPost("/api/auth/sign-out", async (HttpContext context, CancellationToken ct) =>
        {
            var device = DeviceAuthFilter.Device(context);
            await services.Sessions.RevokeAsync(device.SessionId, services.Time.GetUtcNow(), "signed out", ct).ConfigureAwait(false);
            return Results.NoContent();
        }).AddEndpointFilter(new DeviceAuthFilter(services)).WithName("signOut");

        app.MapGet("/api/auth/me", (HttpContext context) =>
        {
            var device = DeviceAuthFilter.Device(context);
            return HttpBson.Json(new BsonDocument
            {
                { "deviceId", device.DeviceId },
                { "departmentId", device.DepartmentId },
                { "departmentCode", device.DepartmentCode },
                { "sessionId", device.SessionId },
                { "permissions", Strings(device.Permissions) },
            });
        }).AddEndpointFilter(new DeviceAuthFilter(services)).WithName("me");
    }

    private static string Text(BsonDocument body, string name) =>
        body.TryGetValue(name, out var v) && v is BsonString s && s.Value.Length > 0
            ? s.Value
            : throw new MongoException(ErrorCodes.BadValue, $"'{name}' is required");

    internal static BsonArray Strings(IReadOnlyList<string> values)
    {
        var array = new BsonArray();
        foreach (var v in values)
        {
            array.Add(v);
        }
        return array;
    }
}
