using Outpost.Bson;

namespace Outpost.Wire.Auth;

/// <summary>
/// A user-defined role (createRole): privileges on collection or database resources, plus inherited roles (built-in
/// or user-defined). Stored in MongoDB's system.roles shape: <c>{_id: "db.role", role, db, privileges, roles}</c>.
/// </summary>
public sealed class RoleRecord
{
    /// <summary>The database the role is defined on.</summary>
    public required string Db { get; init; }

    /// <summary>The role name.</summary>
    public required string Role { get; init; }

    /// <summary>The privileges the role grants directly.</summary>
    public List<ResourcePrivilege> Privileges { get; set; } = [];

    /// <summary>Roles this role inherits.</summary>
    public List<RoleGrant> Roles { get; set; } = [];

    /// <summary>The stored (and rolesInfo) document.</summary>
    public BsonDocument ToDocument()
    {
        var privileges = new BsonArray();
        foreach (var p in Privileges)
        {
            var actions = new BsonArray();
            foreach (var a in p.Actions) actions.Add(a);
            var privilege = new BsonDocument
            {
                { "resource", new BsonDocument { { "db", p.Db }, { "collection", p.Collection } } },
                { "actions", actions },
            };
            if (p.Filter is not null) privilege.Add(ResourcePrivilege.FilterField, p.Filter.DeepClone());
            privileges.Add(privilege);
        }
        var roles = new BsonArray();
        foreach (var r in Roles) roles.Add(new BsonDocument { { "role", r.Role }, { "db", r.Db } });
        return new BsonDocument { { "_id", $"{Db}.{Role}" }, { "role", Role }, { "db", Db }, { "privileges", privileges }, { "roles", roles } };
    }

    /// <summary>Reads a stored role document.</summary>
    public static RoleRecord FromDocument(BsonDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var privileges = new List<ResourcePrivilege>();
        foreach (var p in doc["privileges"].AsArray)
        {
            var resource = p.AsDocument["resource"].AsDocument;
            var actions = new List<string>();
            foreach (var a in p.AsDocument["actions"].AsArray) actions.Add(a.AsString);
            var filter = p.AsDocument.TryGetValue(ResourcePrivilege.FilterField, out var f) && f is BsonDocument fd ? fd : null;
            privileges.Add(new ResourcePrivilege(resource["db"].AsString, resource["collection"].AsString, actions, filter));
        }
        var roles = new List<RoleGrant>();
        foreach (var r in doc["roles"].AsArray) roles.Add(new RoleGrant(r.AsDocument["role"].AsString, r.AsDocument["db"].AsString));
        return new RoleRecord { Db = doc["db"].AsString, Role = doc["role"].AsString, Privileges = privileges, Roles = roles };
    }
}
