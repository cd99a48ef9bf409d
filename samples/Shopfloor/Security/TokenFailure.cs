namespace Shopfloor.Security;

/// <summary>Why a token was refused.</summary>
public enum TokenFailure
{
    None,
    /// <summary>Not a JWT, wrong signature or key, wrong algorithm, issuer or audience, missing claims.</summary>
    Invalid,
    /// <summary>The token's exp has passed.</summary>
    Expired,
    /// <summary>No stored session has the token's sid (or it belongs to another device or department).</summary>
    UnknownSession,
    /// <summary>The session was revoked.</summary>
    Revoked,
    /// <summary>The stored session expired or was idle too long.</summary>
    SessionExpired,
}
