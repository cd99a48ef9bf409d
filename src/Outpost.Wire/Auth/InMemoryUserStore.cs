using System.Collections.Concurrent;

namespace Outpost.Wire.Auth;

/// <summary>A process-lifetime user store, for tests and for servers without an engine-backed store.</summary>
public sealed class InMemoryUserStore : IUserStore
{
    private readonly ConcurrentDictionary<(string Db, string User), UserRecord> _users = new();
    private readonly ConcurrentDictionary<(string Db, string Role), RoleRecord> _roles = new();

    /// <inheritdoc />
    public ValueTask<UserRecord?> FindAsync(string db, string user, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_users.TryGetValue((db, user), out var u) ? u : null);

    /// <inheritdoc />
    public ValueTask<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return ValueTask.FromResult(_users.TryAdd((user.Db, user.User), user));
    }

    /// <inheritdoc />
    public ValueTask<bool> UpdateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var key = (user.Db, user.User);
        if (!_users.ContainsKey(key)) return ValueTask.FromResult(false);
        _users[key] = user;
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc />
    public ValueTask<bool> DropAsync(string db, string user, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_users.TryRemove((db, user), out _));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<UserRecord>> ListAsync(string? db, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<UserRecord>>(_users.Values.Where(u => db is null || u.Db == db).OrderBy(u => u.Db, StringComparer.Ordinal).ThenBy(u => u.User, StringComparer.Ordinal).ToList());

    /// <inheritdoc />
    public ValueTask<bool> AnyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(!_users.IsEmpty);

    /// <inheritdoc />
    public ValueTask<RoleRecord?> FindRoleAsync(string db, string role, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_roles.TryGetValue((db, role), out var r) ? r : null);

    /// <inheritdoc />
    public ValueTask<bool> CreateRoleAsync(RoleRecord role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(role);
        return ValueTask.FromResult(_roles.TryAdd((role.Db, role.Role), role));
    }

    /// <inheritdoc />
    public ValueTask<bool> DropRoleAsync(string db, string role, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_roles.TryRemove((db, role), out _));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RoleRecord>> ListRolesAsync(string? db, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<RoleRecord>>(_roles.Values.Where(r => db is null || r.Db == db).OrderBy(r => r.Db, StringComparer.Ordinal).ThenBy(r => r.Role, StringComparer.Ordinal).ToList());
}
