using Outpost.Bson;
using Outpost.Wire.Auth;

namespace Outpost.Wire.Commands.Authentication;

/// <summary>createUser, updateUser, dropUser, dropAllUsersFromDatabase, usersInfo, grantRolesToUser, revokeRolesFromUser.</summary>
public sealed class UserCommands : ICommandFamily
{
    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("createUser", CreateUserAsync, Privilege.UserAdmin));
        registry.Add(new CommandSpec("updateUser", UpdateUserAsync, Privilege.UserAdmin));
        registry.Add(new CommandSpec("dropUser", DropUserAsync, Privilege.UserAdmin));
        registry.Add(new CommandSpec("dropAllUsersFromDatabase", DropAllAsync, Privilege.UserAdmin));
        registry.Add(new CommandSpec("usersInfo", UsersInfoAsync, Privilege.Authenticated));
        registry.Add(new CommandSpec("grantRolesToUser", GrantAsync, Privilege.UserAdmin));
        registry.Add(new CommandSpec("revokeRolesFromUser", RevokeAsync, Privilege.UserAdmin));
    }

    private static async ValueTask<BsonDocument> CreateUserAsync(CommandContext context)
    {
        var command = context.Command;
        string name = NameArgument(context);
        string password = CommandArgs.GetString(command, "pwd") ?? throw new MongoException(ErrorCodes.BadValue, "Must provide a 'pwd' field for all user documents");
        var roles = await ParseRolesAsync(context, CommandArgs.GetArray(command, "roles") ?? throw new MongoException(ErrorCodes.BadValue, "\"createUser\" command requires a \"roles\" array")).ConfigureAwait(false);
        var user = new UserRecord { Db = context.Database, User = name, Roles = roles, CustomData = CommandArgs.GetDocument(command, "customData") };
        SetCredentials(user, password, CommandArgs.GetArray(command, "mechanisms"));
        if (!await context.Host.Users.CreateAsync(user, context.CancellationToken).ConfigureAwait(false))
        {
            throw new MongoException(51003, "Location51003", $"User \"{name}@{context.Database}\" already exists");
        }
        return [];
    }

    private static async ValueTask<BsonDocument> UpdateUserAsync(CommandContext context)
    {
        var user = await Existing(context, NameArgument(context)).ConfigureAwait(false);
        var command = context.Command;
        if (CommandArgs.GetString(command, "pwd") is string password) SetCredentials(user, password, CommandArgs.GetArray(command, "mechanisms"));
        if (CommandArgs.GetArray(command, "roles") is BsonArray roles) user.Roles = await ParseRolesAsync(context, roles).ConfigureAwait(false);
        if (CommandArgs.GetDocument(command, "customData") is BsonDocument custom) user.CustomData = custom;
        await context.Host.Users.UpdateAsync(user, context.CancellationToken).ConfigureAwait(false);
        return [];
    }

    private static async ValueTask<BsonDocument> DropUserAsync(CommandContext context)
    {
        string name = NameArgument(context);
        if (!await context.Host.Users.DropAsync(context.Database, name, context.CancellationToken).ConfigureAwait(false))
        {
            throw new MongoException(ErrorCodes.UserNotFound, $"User '{name}@{context.Database}' not found");
        }
        return [];
    }

    private static async ValueTask<BsonDocument> DropAllAsync(CommandContext context)
    {
        var users = await context.Host.Users.ListAsync(context.Database, context.CancellationToken).ConfigureAwait(false);
        foreach (var user in users) await context.Host.Users.DropAsync(user.Db, user.User, context.CancellationToken).ConfigureAwait(false);
        return new BsonDocument("n", users.Count);
    }

    private static async ValueTask<BsonDocument> UsersInfoAsync(CommandContext context)
    {
        var argument = context.Argument;
        var store = context.Host.Users;
        var found = new List<UserRecord>();
        if (argument.IsNumeric)
        {
            found.AddRange(await store.ListAsync(context.Database, context.CancellationToken).ConfigureAwait(false));
        }
        else if (argument is BsonDocument forAll && forAll.Contains("forAllDBs"))
        {
            found.AddRange(await store.ListAsync(null, context.CancellationToken).ConfigureAwait(false));
        }
        else
        {
            var wanted = argument.IsArray ? argument.AsArray : new BsonArray { argument };
            foreach (var w in wanted)
            {
                (string db, string name) = w.IsString ? (context.Database, w.AsString)
                    : w is BsonDocument d ? (CommandArgs.GetString(d, "db") ?? context.Database, CommandArgs.GetString(d, "user") ?? "")
                    : throw new MongoException(ErrorCodes.BadValue, "usersInfo argument must be 1, a name, a {user, db} document or an array of them");
                var user = await store.FindAsync(db, name, context.CancellationToken).ConfigureAwait(false);
                if (user is not null) found.Add(user);
            }
        }
        var array = new BsonArray();
        foreach (var user in found) array.Add(Describe(user));
        return new BsonDocument("users", array);
    }

    private static async ValueTask<BsonDocument> GrantAsync(CommandContext context)
    {
        var user = await Existing(context, NameArgument(context)).ConfigureAwait(false);
        foreach (var role in await ParseRolesAsync(context, CommandArgs.GetArray(context.Command, "roles") ?? []).ConfigureAwait(false))
        {
            if (!user.Roles.Contains(role)) user.Roles.Add(role);
        }
        await context.Host.Users.UpdateAsync(user, context.CancellationToken).ConfigureAwait(false);
        return [];
    }

    private static async ValueTask<BsonDocument> RevokeAsync(CommandContext context)
    {
        var user = await Existing(context, NameArgument(context)).ConfigureAwait(false);
        foreach (var role in await ParseRolesAsync(context, CommandArgs.GetArray(context.Command, "roles") ?? []).ConfigureAwait(false)) user.Roles.Remove(role);
        await context.Host.Users.UpdateAsync(user, context.CancellationToken).ConfigureAwait(false);
        return [];
    }

    /// <summary>The usersInfo shape of a user (never its credentials).</summary>
    public static BsonDocument Describe(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var roles = new BsonArray();
        foreach (var role in user.Roles) roles.Add(new BsonDocument { { "role", role.Role }, { "db", role.Db } });
        var doc = new BsonDocument
        {
            { "_id", $"{user.Db}.{user.User}" },
            { "user", user.User },
            { "db", user.Db },
            { "roles", roles },
            { "mechanisms", user.MechanismNames() },
        };
        if (user.CustomData is not null) doc.Add("customData", user.CustomData);
        return doc;
    }

    private static async ValueTask<UserRecord> Existing(CommandContext context, string name) =>
        await context.Host.Users.FindAsync(context.Database, name, context.CancellationToken).ConfigureAwait(false)
        ?? throw new MongoException(ErrorCodes.UserNotFound, $"User '{name}@{context.Database}' not found");

    private static string NameArgument(CommandContext context) =>
        context.Argument.IsString && context.Argument.AsString.Length > 0 ? context.Argument.AsString
        : throw new MongoException(ErrorCodes.BadValue, "User name must be a non-empty string");

    private static void SetCredentials(UserRecord user, string password, BsonArray? mechanisms)
    {
        bool sha1 = mechanisms is null, sha256 = mechanisms is null;
        foreach (var m in mechanisms ?? [])
        {
            if (m.IsString && m.AsString == "SCRAM-SHA-1") sha1 = true;
            else if (m.IsString && m.AsString == "SCRAM-SHA-256") sha256 = true;
            else throw new MongoException(ErrorCodes.BadValue, $"Unknown auth mechanism '{m}'");
        }
        user.Sha1 = sha1 ? ScramCredential.Create(ScramMechanism.ScramSha1, user.User, password) : null;
        user.Sha256 = sha256 ? ScramCredential.Create(ScramMechanism.ScramSha256, user.User, password) : null;
    }

    /// <summary>
    /// Reads a roles array (names on the command's database or {role, db} documents); every role must be built in or
    /// defined with createRole, else RoleNotFound.
    /// </summary>
    internal static async ValueTask<List<RoleGrant>> ParseRolesAsync(CommandContext context, BsonArray roles)
    {
        var result = new List<RoleGrant>(roles.Count);
        foreach (var r in roles)
        {
            var grant = r.IsString ? new RoleGrant(r.AsString, context.Database)
                : r is BsonDocument d ? new RoleGrant(CommandArgs.GetString(d, "role") ?? "", CommandArgs.GetString(d, "db") ?? context.Database)
                : throw new MongoException(ErrorCodes.BadValue, "roles must be strings or {role, db} documents");
            if (!Authorization.IsBuiltInRole(grant.Role)
                && await context.Host.Users.FindRoleAsync(grant.Db, grant.Role, context.CancellationToken).ConfigureAwait(false) is null)
            {
                throw new MongoException(ErrorCodes.RoleNotFound, $"Could not find role: {grant.Role}@{grant.Db}");
            }
            result.Add(grant);
        }
        return result;
    }
}
