using System.Collections.Concurrent;

namespace Shopfloor.Security;

/// <summary>A process-local <see cref="IDepartmentCredentialStore"/>.</summary>
public sealed class InMemoryDepartmentCredentialStore : IDepartmentCredentialStore
{
    private readonly ConcurrentDictionary<string, DepartmentCredential> _byCode = new(StringComparer.OrdinalIgnoreCase);

    public ValueTask<DepartmentCredential?> FindByCodeAsync(string departmentCode, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_byCode.TryGetValue(departmentCode, out var c) ? c : null);

    public ValueTask SaveAsync(DepartmentCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _byCode[credential.DepartmentCode] = credential;
        return ValueTask.CompletedTask;
    }
}
