namespace Shopfloor.Security;

/// <summary>What sign-in needs to know about a department: its identity, whether it is active, and its PIN hash.</summary>
public sealed record DepartmentCredential(string DepartmentId, string DepartmentCode, bool Active, string PinHash);
