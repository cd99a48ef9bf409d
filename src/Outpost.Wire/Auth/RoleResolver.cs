using Outpost.Bson;

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

    /// <summary>
    /// Whether <paramref name="privileges"/> grant every one of <paramref name="actions"/> on db.collection, and the
    /// document restriction the grant carries (decision 026). Per action, an unrestricted privilege wins (MongoDB
    /// unions privileges) and several restricted ones union their filters (<c>$or</c>); the command's restriction is
    /// the conjunction over its actions (findAndModify needs find and update, so it reaches only documents both allow).
    /// </summary>
    /// <returns>False when some action is not granted; otherwise true, with <paramref name="restriction"/> null when unrestricted.</returns>
    public static bool TryAuthorize(List<ResourcePrivilege> privileges, string[] actions, string db, string collection, out BsonDocument? restriction)
    {
        ArgumentNullException.ThrowIfNull(privileges);
        ArgumentNullException.ThrowIfNull(actions);
        restriction = null;
        var perAction = new List<BsonDocument>();
        foreach (var action in actions)
        {
            bool granted = false, unrestricted = false;
            var filters = new List<BsonDocument>();
            foreach (var p in privileges)
            {
                if (!p.Allows(action, db, collection)) continue;
                granted = true;
                if (p.Filter is null)
                {
                    unrestricted = true;
                    break;
                }
                AddDistinct(filters, p.Filter);
            }
            if (!granted) return false;
            if (unrestricted) continue;
            AddDistinct(perAction, filters.Count == 1 ? filters[0] : new BsonDocument("$or", new BsonArray(filters)));
        }
        restriction = perAction.Count switch
        {
            0 => null,
            1 => perAction[0].DeepClone(),
            _ => new BsonDocument("$and", new BsonArray(perAction)).DeepClone(),
        };
        return true;
    }

    private static void AddDistinct(List<BsonDocument> filters, BsonDocument filter)
    {
        foreach (var f in filters)
        {
            if (f.Equals(filter)) return;
        }
        filters.Add(filter);
    }
}
