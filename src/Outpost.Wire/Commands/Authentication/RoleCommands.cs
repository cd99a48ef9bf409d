using Outpost.Bson;
using Outpost.Wire.Auth;

namespace Outpost.Wire.Commands.Authentication;

/// <summary>
/// createRole, dropRole, rolesInfo: user-defined roles granting actions on collection (or view) resources, so a user
/// can be limited to some collections of a database, as in MongoDB.
/// </summary>
public sealed class RoleCommands : ICommandFamily
{
    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("createRole", CreateRoleAsync, Privilege.UserAdmin));
        registry.Add(new CommandSpec("dropRole", DropRoleAsync, Privilege.UserAdmin));
        registry.Add(new CommandSpec("rolesInfo", RolesInfoAsync, Privilege.Authenticated));
    }

    private static async ValueTask<BsonDocument> CreateRoleAsync(CommandContext context)
    {
        string name = NameArgument(context);
        if (Authorization.IsBuiltInRole(name))
        {
            throw new MongoException(ErrorCodes.BadValue, $"Cannot create roles with the same name as a built-in role: {name}");
        }
        var command = context.Command;
        var privileges = ParsePrivileges(CommandArgs.GetArray(command, "privileges")
            ?? throw new MongoException(ErrorCodes.BadValue, "\"createRole\" command requires a \"privileges\" array"), context.Database);
        var inherited = await UserCommands.ParseRolesAsync(context, CommandArgs.GetArray(command, "roles")
            ?? throw new MongoException(ErrorCodes.BadValue, "\"createRole\" command requires a \"roles\" array")).ConfigureAwait(false);
        var role = new RoleRecord { Db = context.Database, Role = name, Privileges = privileges, Roles = inherited };
        if (!await context.Host.Users.CreateRoleAsync(role, context.CancellationToken).ConfigureAwait(false))
        {
            throw new MongoException(51002, "Location51002", $"Role \"{name}@{context.Database}\" already exists");
        }
        return [];
    }

    private static async ValueTask<BsonDocument> DropRoleAsync(CommandContext context)
    {
        string name = NameArgument(context);
        if (!await context.Host.Users.DropRoleAsync(context.Database, name, context.CancellationToken).ConfigureAwait(false))
        {
            throw new MongoException(ErrorCodes.RoleNotFound, $"Role '{name}@{context.Database}' not found");
        }
        return [];
    }

    private static async ValueTask<BsonDocument> RolesInfoAsync(CommandContext context)
    {
        var argument = context.Argument;
        var store = context.Host.Users;
        var found = new List<RoleRecord>();
        if (argument.IsNumeric)
        {
            found.AddRange(await store.ListRolesAsync(context.Database, context.CancellationToken).ConfigureAwait(false));
        }
        else
        {
            var wanted = argument.IsArray ? argument.AsArray : new BsonArray { argument };
            foreach (var w in wanted)
            {
                (string db, string name) = w.IsString ? (context.Database, w.AsString)
                    : w is BsonDocument d ? (CommandArgs.GetString(d, "db") ?? context.Database, CommandArgs.GetString(d, "role") ?? "")
                    : throw new MongoException(ErrorCodes.BadValue, "rolesInfo argument must be 1, a name, a {role, db} document or an array of them");
                var role = await store.FindRoleAsync(db, name, context.CancellationToken).ConfigureAwait(false);
                if (role is not null) found.Add(role);
            }
        }
        bool showPrivileges = context.Command.TryGetValue("showPrivileges", out var show) && show.IsBoolean && show.AsBoolean;
        var array = new BsonArray();
        foreach (var role in found)
        {
            var doc = role.ToDocument();
            doc.Add("isBuiltin", false);
            if (!showPrivileges) doc.Remove("privileges");
            array.Add(doc);
        }
        return new BsonDocument("roles", array);
    }

    private static List<ResourcePrivilege> ParsePrivileges(BsonArray privileges, string db)
    {
        var result = new List<ResourcePrivilege>(privileges.Count);
        foreach (var p in privileges)
        {
            if (p is not BsonDocument privilege
                || CommandArgs.GetDocument(privilege, "resource") is not BsonDocument resource
                || CommandArgs.GetArray(privilege, "actions") is not BsonArray actions)
            {
                throw new MongoException(ErrorCodes.BadValue, "a privilege must be {resource: {db, collection}, actions: [...]}");
            }
            string resourceDb = CommandArgs.GetString(resource, "db")
                ?? throw new MongoException(ErrorCodes.BadValue, "only {db, collection} resources are supported");
            string collection = CommandArgs.GetString(resource, "collection")
                ?? throw new MongoException(ErrorCodes.BadValue, "only {db, collection} resources are supported");
            // MongoDB: a role defined on a database other than admin may only hold privileges on that database.
            if (db != "admin" && resourceDb != db)
            {
                throw new MongoException(ErrorCodes.BadValue, $"Roles on the '{db}' database cannot be granted privileges that target other databases or the cluster");
            }
            var names = new List<string>(actions.Count);
            foreach (var a in actions)
            {
                names.Add(a.IsString ? a.AsString : throw new MongoException(ErrorCodes.BadValue, "actions must be strings"));
            }
            BsonDocument? filter = null;
            foreach (var field in privilege)
            {
                if (field.Name is "resource" or "actions") continue;
                if (field.Name != ResourcePrivilege.FilterField)
                {
                    // As MongoDB's IDL parser: unknown privilege fields are rejected, so the extension is always opt-in.
                    throw new MongoException(40415, "Location40415", $"BSON field 'privileges.{field.Name}' is an unknown field.");
                }
                filter = ParseFilter(field.Value, collection);
            }
            result.Add(new ResourcePrivilege(resourceDb, collection, names, filter));
        }
        return result;
    }

    // Operators that cannot be ANDed into an arbitrary query (they must be top-level, alone, or first in a pipeline)
    // or that run code: a restriction must be a plain predicate that every read and write can evaluate.
    private static readonly HashSet<string> RefusedFilterOperators = new(StringComparer.Ordinal)
    {
        "$text", "$near", "$nearSphere", "$where", "$function", "$accumulator",
    };

    /// <summary>Checks an <c>outpostFilter</c>: a non-empty query filter on a named collection that compiles.</summary>
    private static BsonDocument ParseFilter(BsonValue value, string collection)
    {
        if (value is not BsonDocument filter || filter.ElementCount == 0)
        {
            throw new MongoException(ErrorCodes.BadValue, $"'{ResourcePrivilege.FilterField}' must be a non-empty query filter document");
        }
        if (collection.Length == 0)
        {
            throw new MongoException(ErrorCodes.BadValue, $"'{ResourcePrivilege.FilterField}' needs a resource naming one collection");
        }
        if (UsesRefusedOperator(filter) is { } op)
        {
            throw new MongoException(ErrorCodes.BadValue, $"'{ResourcePrivilege.FilterField}' cannot use {op}");
        }
        try
        {
            Outpost.Query.QueryFilter.Compile(filter);
        }
        catch (MongoException e)
        {
            throw new MongoException(ErrorCodes.BadValue, $"'{ResourcePrivilege.FilterField}' is not a valid query filter: {e.Message}");
        }
        return filter.DeepClone();
    }

    private static string? UsesRefusedOperator(BsonValue value)
    {
        if (value is BsonDocument doc)
        {
            foreach (var element in doc)
            {
                if (RefusedFilterOperators.Contains(element.Name)) return element.Name;
                if (UsesRefusedOperator(element.Value) is { } found) return found;
            }
        }
        else if (value is BsonArray array)
        {
            foreach (var item in array)
            {
                if (UsesRefusedOperator(item) is { } found) return found;
            }
        }
        return null;
    }

    private static string NameArgument(CommandContext context) =>
        context.Argument.IsString && context.Argument.AsString.Length > 0 ? context.Argument.AsString
        : throw new MongoException(ErrorCodes.BadValue, "Role name must be a non-empty string");
}
