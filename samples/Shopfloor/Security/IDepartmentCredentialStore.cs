namespace Shopfloor.Security;

/// <summary>Department PIN hashes by department code (the seed's <c>department_auth</c> collection).</summary>
public interface IDepartmentCredentialStore
{
    /// <summary>The credential for a 3-letter code (case-insensitive), or null.</summary>
    ValueTask<DepartmentCredential?> FindByCodeAsync(string departmentCode, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a department's credential (on set-up, PIN change or hash upgrade).</summary>
    ValueTask SaveAsync(DepartmentCredential credential, CancellationToken cancellationToken = default);
}
