namespace Outpost.Sync.Rules;

/// <summary>Turns a bearer token into a <see cref="SyncPrincipal"/>.</summary>
public interface ISyncAuthenticator
{
    /// <summary>The principal, or null when the token is missing, malformed, expired or not trusted.</summary>
    ValueTask<SyncPrincipal?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken);
}
