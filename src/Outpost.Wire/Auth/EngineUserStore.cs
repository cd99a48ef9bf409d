using Outpost.Bson;
using Outpost.Engine;

namespace Outpost.Wire.Auth;

/// <summary>
/// Users kept in the engine, one document per user in MongoDB's system.users shape
/// (<c>{_id: "db.user", user, db, credentials: {"SCRAM-SHA-256": {iterationCount, salt, storedKey, serverKey}}, roles, customData}</c>),
/// so they survive restarts. The collection is <see cref="CollectionName"/> in the admin database: the engine reserves
/// <c>system.*</c> names, so Outpost uses its own.
/// </summary>
public sealed class EngineUserStore(OutpostEngine engine) : IUserStore
{
    /// <summary>The collection in the admin database holding users.</summary>
    public const string CollectionName = "outpost.users";

    /// <summary>The collection in the admin database holding user-defined roles (MongoDB's admin.system.roles).</summary>
    public const string RolesCollectionName = "outpost.roles";

    private Collection Users => engine.GetDatabase("admin").GetCollection(CollectionName);

    private Collection Roles => engine.GetDatabase("admin").GetCollection(RolesCollectionName);

    /// <inheritdoc />
    public async ValueTask<UserRecord?> FindAsync(string db, string user, CancellationToken cancellationToken)
    {
        var cursor = await Users.FindAsync(new FindOptions { Filter = new BsonDocument("_id", $"{db}.{user}"), Limit = 1 }, null, cancellationToken).ConfigureAwait(false);
        await using var _ = ((IAsyncDisposable)cursor).ConfigureAwait(false);
        var batch = await cursor.NextBatchAsync(1, null, 1 << 20, cancellationToken).ConfigureAwait(false);
        return batch.Count == 0 ? null : FromDocument(batch[0]);
    }

    /// <inheritdoc />
    public async ValueTask<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var result = await Users.InsertAsync([ToDocument(user)], null, null, cancellationToken).ConfigureAwait(false);
        if (result.WriteErrors.Count > 0 && result.WriteErrors[0].Code == ErrorCodes.DuplicateKey) return false;
        if (result.WriteErrors.Count > 0) throw new MongoException(result.WriteErrors[0].Code, result.WriteErrors[0].Message);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var doc = ToDocument(user);
        var result = await Users.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", doc["_id"]), Update = doc }], null, null, cancellationToken).ConfigureAwait(false);
        return result.N > 0;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DropAsync(string db, string user, CancellationToken cancellationToken)
    {
        var result = await Users.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", $"{db}.{user}"), Limit = 1 }], null, null, cancellationToken).ConfigureAwait(false);
        return result.N > 0;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<UserRecord>> ListAsync(string? db, CancellationToken cancellationToken)
    {
        var filter = db is null ? [] : new BsonDocument("db", db);
        var cursor = await Users.FindAsync(new FindOptions { Filter = filter, Sort = new BsonDocument("_id", 1) }, null, cancellationToken).ConfigureAwait(false);
        await using var _ = ((IAsyncDisposable)cursor).ConfigureAwait(false);
        var list = new List<UserRecord>();
        foreach (var doc in await cursor.ToListAsync(cancellationToken).ConfigureAwait(false)) list.Add(FromDocument(doc));
        return list;
    }

    /// <inheritdoc />
    public async ValueTask<bool> AnyAsync(CancellationToken cancellationToken) =>
        await Users.CountAsync(new CountOptions { Limit = 1 }, null, cancellationToken).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async ValueTask<RoleRecord?> FindRoleAsync(string db, string role, CancellationToken cancellationToken)
    {
        var cursor = await Roles.FindAsync(new FindOptions { Filter = new BsonDocument("_id", $"{db}.{role}"), Limit = 1 }, null, cancellationToken).ConfigureAwait(false);
        await using var _ = ((IAsyncDisposable)cursor).ConfigureAwait(false);
        var batch = await cursor.NextBatchAsync(1, null, 1 << 20, cancellationToken).ConfigureAwait(false);
        return batch.Count == 0 ? null : RoleRecord.FromDocument(batch[0]);
    }

    /// <inheritdoc />
    public async ValueTask<bool> CreateRoleAsync(RoleRecord role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(role);
        var result = await Roles.InsertAsync([role.ToDocument()], null, null, cancellationToken).ConfigureAwait(false);
        if (result.WriteErrors.Count > 0 && result.WriteErrors[0].Code == ErrorCodes.DuplicateKey) return false;
        if (result.WriteErrors.Count > 0) throw new MongoException(result.WriteErrors[0].Code, result.WriteErrors[0].Message);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DropRoleAsync(string db, string role, CancellationToken cancellationToken)
    {
        var result = await Roles.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", $"{db}.{role}"), Limit = 1 }], null, null, cancellationToken).ConfigureAwait(false);
        return result.N > 0;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RoleRecord>> ListRolesAsync(string? db, CancellationToken cancellationToken)
    {
        var filter = db is null ? [] : new BsonDocument("db", db);
        var cursor = await Roles.FindAsync(new FindOptions { Filter = filter, Sort = new BsonDocument("_id", 1) }, null, cancellationToken).ConfigureAwait(false);
        await using var _ = ((IAsyncDisposable)cursor).ConfigureAwait(false);
        var list = new List<RoleRecord>();
        foreach (var doc in await cursor.ToListAsync(cancellationToken).ConfigureAwait(false)) list.Add(RoleRecord.FromDocument(doc));
        return list;
    }

    /// <summary>The stored document of a user.</summary>
    public static BsonDocument ToDocument(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var credentials = new BsonDocument();
        if (user.Sha1 is not null) credentials.Add("SCRAM-SHA-1", Credential(user.Sha1));
        if (user.Sha256 is not null) credentials.Add("SCRAM-SHA-256", Credential(user.Sha256));
        var roles = new BsonArray();
        foreach (var r in user.Roles) roles.Add(new BsonDocument { { "role", r.Role }, { "db", r.Db } });
        var doc = new BsonDocument
        {
            { "_id", $"{user.Db}.{user.User}" }, { "user", user.User }, { "db", user.Db }, { "credentials", credentials }, { "roles", roles },
        };
        if (user.CustomData is not null) doc.Add("customData", user.CustomData);
        return doc;
    }

    /// <summary>Reads a stored user document.</summary>
    public static UserRecord FromDocument(BsonDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var credentials = doc["credentials"].AsDocument;
        var roles = new List<RoleGrant>();
        foreach (var r in doc["roles"].AsArray) roles.Add(new RoleGrant(r.AsDocument["role"].AsString, r.AsDocument["db"].AsString));
        return new UserRecord
        {
            Db = doc["db"].AsString,
            User = doc["user"].AsString,
            Sha1 = credentials.TryGetValue("SCRAM-SHA-1", out var s1) ? ParseCredential(s1.AsDocument) : null,
            Sha256 = credentials.TryGetValue("SCRAM-SHA-256", out var s256) ? ParseCredential(s256.AsDocument) : null,
            Roles = roles,
            CustomData = doc.TryGetValue("customData", out var custom) && custom.IsDocument ? custom.AsDocument : null,
        };
    }

    private static BsonDocument Credential(ScramCredential c) => new()
    {
        { "iterationCount", c.Iterations },
        { "salt", Convert.ToBase64String(c.Salt) },
        { "storedKey", Convert.ToBase64String(c.StoredKey) },
        { "serverKey", Convert.ToBase64String(c.ServerKey) },
    };

    private static ScramCredential ParseCredential(BsonDocument d) => new(
        Convert.FromBase64String(d["salt"].AsString), d["iterationCount"].AsInt32,
        Convert.FromBase64String(d["storedKey"].AsString), Convert.FromBase64String(d["serverKey"].AsString));
}
