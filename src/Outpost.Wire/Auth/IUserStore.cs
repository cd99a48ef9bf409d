namespace Outpost.Wire.Auth;

/// <summary>Where users and their salted credentials are kept (in memory for tests, admin.system.users on the engine).</summary>
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
}
