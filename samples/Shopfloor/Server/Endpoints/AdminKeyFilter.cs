using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Shopfloor.Server.Endpoints;

/// <summary>Requires the administrator key (<c>X-Shopfloor-Admin-Key</c>), compared in constant time.</summary>
internal sealed class AdminKeyFilter(ShopfloorServices services) : IEndpointFilter
{
    public const string Header = "X-Shopfloor-Admin-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers[Header].ToString());
        var expected = Encoding.UTF8.GetBytes(services.AdminKey);
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
        {
            return ProblemResponses.Result(StatusCodes.Status403Forbidden, "Forbidden", $"department and project writes need the administrator key ({Header})");
        }
        return await next(context).ConfigureAwait(false);
    }
}
