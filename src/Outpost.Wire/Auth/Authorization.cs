namespace Outpost.Wire.Auth;

/// <summary>Decides whether a set of granted built-in roles allows a privilege on a database.</summary>
public static class Authorization
{
    /// <summary>True when any of <paramref name="roles"/> grants <paramref name="privilege"/> on <paramref name="db"/>.</summary>
    public static bool IsAllowed(IEnumerable<RoleGrant> roles, Privilege privilege, string db)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (privilege is Privilege.None or Privilege.Authenticated) return true;
        foreach (var grant in roles)
        {
            if (Grants(grant, privilege, db)) return true;
        }
        return false;
    }

    private static bool Grants(RoleGrant grant, Privilege privilege, string db)
    {
        bool sameDb = grant.Db == db;
        bool onAdmin = grant.Db == "admin";
        return grant.Role switch
        {
            "root" or "__system" => onAdmin,
            "read" => sameDb && privilege == Privilege.Read,
            "readWrite" => sameDb && privilege is Privilege.Read or Privilege.Write,
            "dbAdmin" => sameDb && privilege is Privilege.DbAdmin,
            "userAdmin" => sameDb && privilege is Privilege.UserAdmin,
            "dbOwner" => sameDb && privilege is Privilege.Read or Privilege.Write or Privilege.DbAdmin or Privilege.UserAdmin,
            "readAnyDatabase" => onAdmin && privilege == Privilege.Read,
            "readWriteAnyDatabase" => onAdmin && privilege is Privilege.Read or Privilege.Write,
            "dbAdminAnyDatabase" => onAdmin && privilege is Privilege.DbAdmin,
            "userAdminAnyDatabase" => onAdmin && privilege is Privilege.UserAdmin,
            "clusterMonitor" or "clusterAdmin" or "clusterManager" => onAdmin && privilege is Privilege.Cluster,
            _ => false,
        };
    }

    /// <summary>The built-in role names createUser accepts.</summary>
    public static bool IsBuiltInRole(string role) => role is "root" or "read" or "readWrite" or "dbAdmin" or "userAdmin" or "dbOwner"
        or "readAnyDatabase" or "readWriteAnyDatabase" or "dbAdminAnyDatabase" or "userAdminAnyDatabase"
        or "clusterMonitor" or "clusterAdmin" or "clusterManager" or "backup" or "restore";
}
