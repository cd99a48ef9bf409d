namespace Shopfloor.Security;

/// <summary>The outcome of checking a bearer token: the principal, or why not.</summary>
public sealed record TokenCheck(DevicePrincipal? Principal, TokenFailure Failure, string? Error)
{
    public bool IsValid => Principal is not null;

    internal static TokenCheck Fail(TokenFailure failure, string error) => new(null, failure, error);
}
