using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Outpost.Bson;

namespace Outpost.Sync.Rules;

/// <summary>
/// The default authenticator: JWT signed with HMAC-SHA256 under a shared key. <c>sub</c> is the subject; every other
/// claim (strings, numbers, booleans, arrays of those) is available to the sync rules.
/// </summary>
public sealed class JwtSyncAuthenticator : ISyncAuthenticator
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters _parameters;

    /// <param name="key">The HS256 key (at least 32 bytes).</param>
    /// <param name="issuer">Required issuer, or null to accept any.</param>
    /// <param name="audience">Required audience, or null to accept any.</param>
    public JwtSyncAuthenticator(byte[] key, string? issuer = null, string? audience = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32) throw new ArgumentException("an HS256 key needs at least 32 bytes", nameof(key));
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = issuer is not null,
            ValidIssuer = issuer,
            ValidateAudience = audience is not null,
            ValidAudience = audience,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
    }

    /// <inheritdoc />
    public async ValueTask<SyncPrincipal?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(bearerToken)) return null;
        var result = await _handler.ValidateTokenAsync(bearerToken, _parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return null;
        var claims = new Dictionary<string, BsonValue>(StringComparer.Ordinal);
        foreach (var (name, value) in result.Claims)
        {
            if (ToBson(value) is { } v) claims[name] = v;
        }
        var subject = jwt.Subject;
        return string.IsNullOrEmpty(subject) ? null : new SyncPrincipal(subject, claims);
    }

    /// <summary>Issues a token (for tests, tools and the server's own sign-in endpoints).</summary>
    public static string CreateToken(byte[] key, string subject, IReadOnlyDictionary<string, object> claims, TimeSpan lifetime, string? issuer = null, string? audience = null)
    {
        var all = new Dictionary<string, object>(claims) { ["sub"] = subject };
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = all,
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.Add(lifetime),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private static BsonValue? ToBson(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        int i => i,
        long l => l,
        double d => d,
        JsonElement e => FromJson(e),
        System.Collections.IEnumerable list => ToArray(list),
        _ => value.ToString(),
    };

    private static BsonArray ToArray(System.Collections.IEnumerable list)
    {
        var array = new BsonArray();
        foreach (var item in list)
            if (ToBson(item) is { } v) array.Add(v);
        return array;
    }

    private static BsonValue? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.Array => ToArray(e.EnumerateArray().Select(x => (object)x).ToList()),
        _ => null,
    };
}
