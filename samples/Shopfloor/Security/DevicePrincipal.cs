namespace Shopfloor.Security;

/// <summary>The verified identity behind a request: which device, of which department, allowed to do what.</summary>
public sealed record DevicePrincipal(string DeviceId, string DepartmentId, string DepartmentCode, IReadOnlyList<string> Permissions, string SessionId)
{
    public bool Has(string permission) => Permissions.Contains(permission);
}
