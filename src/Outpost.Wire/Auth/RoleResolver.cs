namespace Outpost.Wire.Auth;

/// <summary>
/// Expands granted roles into the built-in roles and the collection privileges they amount to, following
/// user-defined roles (and the roles they inherit) through the store. Cycles are cut; unknown roles grant nothing
/// (a dropped role stops working at once, as in MongoDB).
/// </summary>
public static class RoleResolver
{
    /// <summary>The expansion of <paramref name="grants"/>.</summary>
    public static async ValueTask<(List<RoleGrant> BuiltIn, List<ResourcePrivilege> Privileges)> ResolveAsync(
        IUserStore store, IEnumerable<RoleGrant> grants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(grants);
        var builtIn = new List<RoleGrant>();
        var privileges = new List<ResourcePrivilege>();
        var seen = new HashSet<RoleGrant>();
        var pending = new Stack<RoleGrant>(grants);
        while (pending.Count > 0)
        {
            var grant = pending.Pop();
            if (!seen.Add(grant)) continue;
            if (Authorization.IsBuiltInRole(grant.Role))
            {
                builtIn.Add(grant);
                continue;
            }
            var role = await store.FindRoleAsync(grant.Db, grant.Role, cancellationToken).ConfigureAwait(false);
            if (role is null) continue;
            privileges.AddRange(role.Privileges);
            foreach (var inherited in role.Roles) pending.Push(inherited);
        }
        return (builtIn, privileges);
    }

    /// <summary>True when any of <paramref name="privileges"/> grants every one of <paramref name="actions"/> on db.collection.</summary>
    public static bool AllowsAll(List<ResourcePrivilege> privileges, string[] actions, string db, string collection)
    {
        ArgumentNullException.ThrowIfNull(privileges);
        ArgumentNullException.ThrowIfNull(actions);
        foreach (var action in actions)
        {
            bool granted = false;
            foreach (var p in privileges)
            {
                if (p.Allows(action, db, collection))
                {
                    granted = true;
                    break;
                }
            }
            if (!granted) return false;
        }
        return true;
    }
}
