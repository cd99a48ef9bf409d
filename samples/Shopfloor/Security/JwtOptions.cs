namespace Shopfloor.Security;

/// <summary>Device token settings (bound from configuration by the server module).</summary>
public sealed record JwtOptions
{
    /// <summary>HS256 key, at least 256 bits. Configure as base64 (<see cref="FromBase64Key"/>); never a password.</summary>
    public required byte[] SigningKey { get; init; }
    public string Issuer { get; init; } = "shopfloor";
    public string Audience { get; init; } = "shopfloor-devices";
    /// <summary>Token and session lifetime (the seed's 24 h).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(24);
    /// <summary>A session idle longer than this is refused even before it expires (a tablet left signed in).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(12);
    /// <summary>Clock tolerance between devices and server.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Options with a base64 key from configuration.</summary>
    public static JwtOptions FromBase64Key(string base64Key) => new() { SigningKey = Convert.FromBase64String(base64Key) };
}
