namespace Outpost.Wire.Auth;

/// <summary>What a command needs from the caller's roles, on the command's database.</summary>
public enum Privilege
{
    /// <summary>Allowed before authentication (handshake, SASL, ping, buildInfo).</summary>
    None,
    /// <summary>Any authenticated user.</summary>
    Authenticated,
    /// <summary>Read data and metadata (read role).</summary>
    Read,
    /// <summary>Write data and create/drop collections and indexes (readWrite role).</summary>
    Write,
    /// <summary>Administer a database: collMod, dropDatabase, validate, profile (dbAdmin role).</summary>
    DbAdmin,
    /// <summary>Manage users and roles (userAdmin role).</summary>
    UserAdmin,
    /// <summary>Server-wide operations: serverStatus, currentOp, killOp, setParameter (root, clusterAdmin).</summary>
    Cluster,
}
