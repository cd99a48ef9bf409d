using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shopfloor.Security;

/// <summary>
/// Issues HS256 device tokens (sub = device id, departmentId, departmentCode, permissions, sid) and validates them
/// against the stored session: a token is good only while its session exists, is not revoked, not expired and
/// not idle too long. Signature checks alone cannot revoke a stolen tablet's token; the session lookup can.
/// </summary>
public sealed class DeviceTokenService
{
    public const string DepartmentIdClaim = "departmentId";
    public const string DepartmentCodeClaim = "departmentCode";
    public const string PermissionsClaim = "permissions";

    private readonly JwtOptions _options;
    private readonly IDeviceSessionStore _sessions;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _parameters;

    public DeviceTokenService(JwtOptions options, IDeviceSessionStore sessions, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sessions);
        if (options.SigningKey is null || options.SigningKey.Length < 32)
        {
            throw new ArgumentException("The JWT signing key must be at least 256 bits (32 bytes).", nameof(options));
        }
        _options = options;
        _sessions = sessions;
        _time = time ?? TimeProvider.System;
        var key = new SymmetricSecurityKey(options.SigningKey);
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            // Pinning the algorithm shuts out "alg": "none" and algorithm-confusion tokens.
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Lifetime is checked below against the injected clock, so tests and the server share one notion of now.
            ValidateLifetime = false,
        };
    }

    /// <summary>Creates and stores a session for a signed-in device and returns its token.</summary>
    public async ValueTask<(string Token, DeviceSession Session)> IssueAsync(
        string deviceId, string departmentId, string departmentCode, IReadOnlyList<string> permissions, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var session = new DeviceSession
        {
            SessionId = Guid.NewGuid().ToString("N"),
            DeviceId = deviceId,
            DepartmentId = departmentId,
            DepartmentCode = departmentCode,
            Permissions = permissions,
            CreatedAt = now,
            ExpiresAt = now + _options.Lifetime,
            LastActivity = now,
        };
        await _sessions.CreateAsync(session, cancellationToken).ConfigureAwait(false);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = session.ExpiresAt.UtcDateTime,
            SigningCredentials = _credentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, deviceId),
                new Claim(JwtRegisteredClaimNames.Sid, session.SessionId),
                new Claim(DepartmentIdClaim, departmentId),
                new Claim(DepartmentCodeClaim, departmentCode),
            ]),
            Claims = new Dictionary<string, object> { [PermissionsClaim] = permissions.ToArray() },
        };
        return (_handler.CreateToken(descriptor), session);
    }

    /// <summary>Validates a token and its session, and records the session's activity.</summary>
    public async ValueTask<TokenCheck> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return TokenCheck.Fail(TokenFailure.Invalid, "no token");
        }
        var result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return TokenCheck.Fail(TokenFailure.Invalid, result.Exception?.Message ?? "invalid token");
        }
        var now = _time.GetUtcNow();
        if (now > new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + _options.ClockSkew)
        {
            return TokenCheck.Fail(TokenFailure.Expired, "token expired");
        }
        if (now + _options.ClockSkew < new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero))
        {
            return TokenCheck.Fail(TokenFailure.Invalid, "token not yet valid");
        }
        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var deviceId)
            || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sid, out var sessionId)
            || !jwt.TryGetPayloadValue<string>(DepartmentIdClaim, out var departmentId)
            || !jwt.TryGetPayloadValue<string>(DepartmentCodeClaim, out var departmentCode))
        {
            return TokenCheck.Fail(TokenFailure.Invalid, "token lacks required claims");
        }
        var session = await _sessions.GetAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (session is null || session.DeviceId != deviceId || session.DepartmentId != departmentId)
        {
            return TokenCheck.Fail(TokenFailure.UnknownSession, "no such session for this device");
        }
        if (session.RevokedAt is not null)
        {
            return TokenCheck.Fail(TokenFailure.Revoked, $"session revoked: {session.RevokedReason}");
        }
        if (now >= session.ExpiresAt)
        {
            return TokenCheck.Fail(TokenFailure.SessionExpired, "session expired");
        }
        if (now - session.LastActivity > _options.IdleTimeout)
        {
            return TokenCheck.Fail(TokenFailure.SessionExpired, "session idle too long");
        }
        await _sessions.TouchAsync(sessionId, now, cancellationToken).ConfigureAwait(false);
        // Permissions come from the stored session, not the token: they cannot be widened by a token that predates
        // a change, and the token's copy is only informational for the device.
        return new TokenCheck(new DevicePrincipal(deviceId, departmentId, departmentCode, session.Permissions, sessionId), TokenFailure.None, null);
    }
}
