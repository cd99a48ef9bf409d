namespace Outpost.Wire.Auth;

/// <summary>A role granted to a user: a built-in role name on a database.</summary>
/// <param name="Role">Built-in role name (read, readWrite, dbAdmin, userAdmin, dbOwner, readAnyDatabase, readWriteAnyDatabase, userAdminAnyDatabase, dbAdminAnyDatabase, clusterMonitor, clusterAdmin, root).</param>
/// <param name="Db">The database the role applies to (the *AnyDatabase and cluster roles live on admin).</param>
public readonly record struct RoleGrant(string Role, string Db);
