namespace Shopfloor.Security;

/// <summary>A yes or a no with the reason.</summary>
public sealed record AuthorizationDecision(bool Allowed, string? Reason)
{
    public static AuthorizationDecision Allow { get; } = new(true, null);
}
