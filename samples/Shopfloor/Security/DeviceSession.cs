namespace Shopfloor.Security;

/// <summary>
/// A signed-in device (the seed's <c>device_sessions</c>). The token itself is not stored (the seed stored it):
/// the token carries the session id as <c>sid</c>, so a leaked session table yields no usable bearer tokens.
/// </summary>
public sealed record DeviceSession
{
    public required string SessionId { get; init; }
    public required string DeviceId { get; init; }
    public required string DepartmentId { get; init; }
    public required string DepartmentCode { get; init; }
    public required IReadOnlyList<string> Permissions { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Same instant as the token's exp; the server's TTL index on it removes dead sessions.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    public required DateTimeOffset LastActivity { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedReason { get; init; }
}
