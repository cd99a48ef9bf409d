namespace Shopfloor.Security;

/// <summary>The outcome of a device sign-in.</summary>
public sealed record SignInResult
{
    public bool Succeeded => Failure == SignInFailure.None;
    public SignInFailure Failure { get; init; }
    public string? Token { get; init; }
    public DeviceSession? Session { get; init; }
    /// <summary>When locked out: how long until another attempt is accepted.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
