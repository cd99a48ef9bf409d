using Outpost.Bson;
using Outpost.Sync.Rules;
using Shopfloor.Security;

namespace Shopfloor.Device;

/// <summary>
/// Lets the sync server trust the Shopfloor module's sign-in tokens: the token is checked by
/// <see cref="DeviceTokenService"/> (signature, expiry, and the stored session, so a revoked session stops syncing too)
/// and the device's department becomes the <c>departmentId</c> claim the sync rules filter on.
/// </summary>
public sealed class ShopfloorTokenAuthenticator(DeviceTokenService tokens) : ISyncAuthenticator
{
    /// <inheritdoc />
    public async ValueTask<SyncPrincipal?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(bearerToken)) return null;
        var check = await tokens.ValidateAsync(bearerToken, cancellationToken).ConfigureAwait(false);
        if (check.Principal is not { } principal) return null;
        return new SyncPrincipal(principal.DeviceId, new Dictionary<string, BsonValue>
        {
            [DeviceTokenService.DepartmentIdClaim] = principal.DepartmentId,
            [DeviceTokenService.DepartmentCodeClaim] = principal.DepartmentCode,
        });
    }
}
