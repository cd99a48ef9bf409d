using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Auth;
using Shopfloor.Domain;
using Shopfloor.Server;

namespace Shopfloor.Security;

/// <summary>
/// Department-scoped users for MongoDB clients on the wire. One user-defined role per department
/// (<c>inspector_PAINT</c>) grants:
/// <list type="bullet">
/// <item><c>find</c>, <c>insert</c>, <c>update</c>, <c>remove</c>, <c>killCursors</c> on <c>photos</c> itself, restricted by
/// Outpost's <c>outpostFilter</c> extension (decision 026) to the department's photos whose encrypted fields are not in
/// plaintext: reads see only those documents, writes may only target them and must leave (or create) only such documents,
/// so a PAINT tablet app on the Node driver inserts, edits and deletes PAINT photos, and every QA photo is invisible
/// and untouchable;</item>
/// <item><c>find</c>/<c>killCursors</c> on the department's read-only view (<c>photos_PAINT = photos | $match
/// {departmentId}</c>), the plain-MongoDB pattern kept for clients written against it (decision 021);</item>
/// <item><c>find</c> on the departments reference data.</item>
/// </list>
/// Inspector notes and GPS location are encrypted by the server module with a key wire clients do not hold, and the
/// wire path has no hook to encrypt a value per document (its associated data names the document's _id), so the filter
/// admits those fields only absent, null or already encrypted (binary): a wire write of plaintext notes is refused
/// with Unauthorized (13) rather than stored in the clear. The collection validator applies to wire writes as to
/// every other writer. The equivalent mongosh setup:
/// <code>
/// db.createView("photos_PAINT", "photos", [{ $match: { departmentId: "PAINT" } }])
/// db.createRole({ role: "inspector_PAINT", privileges: [
///   { resource: { db: "shopfloor", collection: "photos" }, actions: ["find", "insert", "update", "remove", "killCursors"],
///     outpostFilter: { departmentId: "PAINT",
///       $and: [ { $or: [ { "metadata.inspectorNotes": null }, { "metadata.inspectorNotes": { $type: "binData" } } ] },
///               { $or: [ { "metadata.location": null }, { "metadata.location": { $type: "binData" } } ] } ] } },
///   { resource: { db: "shopfloor", collection: "photos_PAINT" }, actions: ["find", "killCursors"] },
///   { resource: { db: "shopfloor", collection: "departments" }, actions: ["find"] } ], roles: [] })
/// db.createUser({ user: "paint-inspector", pwd: "...", roles: ["inspector_PAINT"] })
/// </code>
/// </summary>
public static class DepartmentWireAccess
{
    /// <summary>The department's read-only photos view.</summary>
    public static string ViewName(DepartmentInfo department)
    {
        ArgumentNullException.ThrowIfNull(department);
        return $"{CollectionNames.Photos}_{department.Id}";
    }

    /// <summary>The department's user-defined role (defined on the Shopfloor database).</summary>
    public static string RoleName(DepartmentInfo department)
    {
        ArgumentNullException.ThrowIfNull(department);
        return $"inspector_{department.Id}";
    }

    /// <summary>
    /// The document restriction of the department's privilege on <c>photos</c>: the department's photos whose encrypted
    /// fields are absent, null or ciphertext (binary).
    /// </summary>
    public static BsonDocument PhotoFilter(DepartmentInfo department)
    {
        ArgumentNullException.ThrowIfNull(department);
        var notPlaintext = new BsonArray();
        foreach (var path in PhotoFieldProtector.ProtectedFields)
        {
            notPlaintext.Add(new BsonDocument("$or", new BsonArray
            {
                new BsonDocument(path, BsonNull.Value),
                new BsonDocument(path, new BsonDocument("$type", "binData")),
            }));
        }
        return new BsonDocument { { "departmentId", department.Id }, { "$and", notPlaintext } };
    }

    /// <summary>The privileges of the department's role.</summary>
    public static List<ResourcePrivilege> Privileges(Database database, DepartmentInfo department)
    {
        ArgumentNullException.ThrowIfNull(database);
        return
        [
            new ResourcePrivilege(database.Name, CollectionNames.Photos, ["find", "insert", "update", "remove", "killCursors"], PhotoFilter(department)),
            new ResourcePrivilege(database.Name, ViewName(department), ["find", "killCursors"]),
            new ResourcePrivilege(database.Name, CollectionNames.Departments, ["find"]),
        ];
    }

    /// <summary>
    /// Creates the five views and the five roles when missing (idempotent); a role stored by an older version (the
    /// view-only role) is replaced by the current privileges.
    /// </summary>
    public static async Task EnsureAsync(Database database, IUserStore users, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(users);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in await database.ListCollectionsAsync(nameOnly: true, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            existing.Add(info["name"].AsString);
        }
        foreach (var department in Departments.All)
        {
            string view = ViewName(department);
            if (!existing.Contains(view))
            {
                try
                {
                    await database.CreateCollectionAsync(view, new CreateCollectionOptions
                    {
                        ViewOn = CollectionNames.Photos,
                        Pipeline = [new BsonDocument("$match", new BsonDocument("departmentId", department.Id))],
                    }, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (MongoException e) when (e.Code == ErrorCodes.NamespaceExists)
                {
                    // Created concurrently.
                }
            }
            var wanted = new RoleRecord { Db = database.Name, Role = RoleName(department), Privileges = Privileges(database, department) };
            var stored = await users.FindRoleAsync(database.Name, wanted.Role, cancellationToken).ConfigureAwait(false);
            if (stored is not null && stored.ToDocument().Equals(wanted.ToDocument())) continue;
            if (stored is not null) await users.DropRoleAsync(database.Name, wanted.Role, cancellationToken).ConfigureAwait(false);
            await users.CreateRoleAsync(wanted, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates a wire user (SCRAM-SHA-256 and SCRAM-SHA-1, authenticating on the Shopfloor database) holding only the
    /// department's role; false when the user already exists.
    /// </summary>
    public static async Task<bool> CreateUserAsync(IUserStore users, Database database, DepartmentInfo department, string user, string password,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(department);
        return await users.CreateAsync(new UserRecord
        {
            Db = database.Name,
            User = user,
            Sha1 = ScramCredential.Create(ScramMechanism.ScramSha1, user, password),
            Sha256 = ScramCredential.Create(ScramMechanism.ScramSha256, user, password),
            Roles = [new RoleGrant(RoleName(department), database.Name)],
        }, cancellationToken).ConfigureAwait(false);
    }
}
