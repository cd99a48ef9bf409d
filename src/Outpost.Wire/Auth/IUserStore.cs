namespace Outpost.Wire.Auth;

/// <summary>Where users (with their salted credentials) and user-defined roles are kept (in memory for tests, admin.system.users on the engine).</summary>
public interface IUserStore
{
    /// <summary>Finds a user by authentication database and name.</summary>
    ValueTask<UserRecord?> FindAsync(string db, string user, CancellationToken cancellationToken);

    /// <summary>Adds a user; false if one with that name already exists on that database.</summary>
    ValueTask<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>Replaces a user; false if it does not exist.</summary>
    ValueTask<bool> UpdateAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>Removes a user; false if it did not exist.</summary>
    ValueTask<bool> DropAsync(string db, string user, CancellationToken cancellationToken);

    /// <summary>Users of one database, or of all when <paramref name="db"/> is null.</summary>
    ValueTask<IReadOnlyList<UserRecord>> ListAsync(string? db, CancellationToken cancellationToken);

    /// <summary>True when at least one user exists (the localhost exception applies until then).</summary>
    ValueTask<bool> AnyAsync(CancellationToken cancellationToken);

    /// <summary>Finds a user-defined role by its database and name.</summary>
    ValueTask<RoleRecord?> FindRoleAsync(string db, string role, CancellationToken cancellationToken);

    /// <summary>Adds a user-defined role; false if one with that name already exists on that database.</summary>
    ValueTask<bool> CreateRoleAsync(RoleRecord role, CancellationToken cancellationToken);

    /// <summary>Removes a user-defined role; false if it did not exist.</summary>
    ValueTask<bool> DropRoleAsync(string db, string role, CancellationToken cancellationToken);

    /// <summary>User-defined roles of one database, or of all when <paramref name="db"/> is null.</summary>
    ValueTask<IReadOnlyList<RoleRecord>> ListRolesAsync(string? db, CancellationToken cancellationToken);
}
