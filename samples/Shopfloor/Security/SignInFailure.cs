namespace Shopfloor.Security;

/// <summary>Why a sign-in failed. Callers show devices one message for the first two, so codes cannot be probed.</summary>
public enum SignInFailure
{
    None,
    /// <summary>Unknown or inactive department code.</summary>
    InvalidDepartment,
    /// <summary>Wrong PIN.</summary>
    InvalidPin,
    /// <summary>Too many recent failures; see <see cref="SignInResult.RetryAfter"/>.</summary>
    LockedOut,
}
