using Microsoft.AspNetCore.Http;
using Outpost.Bson;
using Shopfloor.Security;

namespace Shopfloor.Server.Endpoints;

/// <summary>
/// Requires a valid device token (<c>Authorization: Bearer …</c>) checked against its stored session, and puts the
/// <see cref="DevicePrincipal"/> on the request. Only the event stream may take the token from
/// <c>?access_token=</c>, because a browser's EventSource cannot send headers.
/// </summary>
internal sealed class DeviceAuthFilter(ShopfloorServices services, bool allowQueryToken = false) : IEndpointFilter
{
    private const string ItemKey = "shopfloor.device";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        string? token = null;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (allowQueryToken)
        {
            token = http.Request.Query["access_token"].ToString();
        }
        if (string.IsNullOrEmpty(token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ProblemResponses.Result(StatusCodes.Status401Unauthorized, "Unauthorized", "sign in first: no bearer token");
        }
        var check = await services.Tokens.ValidateAsync(token, http.RequestAborted).ConfigureAwait(false);
        if (!check.IsValid)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return ProblemResponses.Result(StatusCodes.Status401Unauthorized, "Unauthorized", check.Error ?? "invalid token",
                new BsonDocument("failure", check.Failure.ToString()));
        }
        http.Items[ItemKey] = check.Principal;
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The signed-in device of this request.</summary>
    public static DevicePrincipal Device(HttpContext context) =>
        context.Items[ItemKey] as DevicePrincipal ?? throw new InvalidOperationException("the endpoint lacks DeviceAuthFilter");
}
