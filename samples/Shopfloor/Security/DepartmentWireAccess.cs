using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Auth;
using Shopfloor.Domain;
using Shopfloor.Server;

namespace Shopfloor.Security;

/// <summary>
/// Department-scoped users for MongoDB clients on the wire. MongoDB has no row-level security, so this uses the
/// pattern a MongoDB administrator would: one read-only view per department over the photos collection
/// (<c>photos_PAINT = photos | $match {departmentId: "PAINT"}</c>) and one user-defined role per department whose only
/// privileges are <c>find</c>/<c>killCursors</c> on that view (and <c>find</c> on the departments reference data).
/// A department user therefore reads its own department's photos through its view and nothing else: the photos
/// collection itself, other departments' views and every write are refused with Unauthorized (13). Photo writes are
/// per document (a photo's department decides), which MongoDB roles cannot express, so they go through REST or sync
/// where <see cref="DocumentAuthorizer"/> checks each document (decision 021 says why MongoDB itself cannot offer a
/// department-scoped write: views are read-only, 166, and privileges name whole collections). The equivalent mongosh setup:
/// <code>
/// db.createView("photos_PAINT", "photos", [{ $match: { departmentId: "PAINT" } }])
/// db.createRole({ role: "inspector_PAINT", privileges: [
///   { resource: { db: "shopfloor", collection: "photos_PAINT" }, actions: ["find", "killCursors"] },
///   { resource: { db: "shopfloor", collection: "departments" }, actions: ["find"] } ], roles: [] })
/// db.createUser({ user: "paint-reader", pwd: "...", roles: ["inspector_PAINT"] })
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

    /// <summary>Creates the five views and the five roles when missing (idempotent).</summary>
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
            if (await users.FindRoleAsync(database.Name, RoleName(department), cancellationToken).ConfigureAwait(false) is null)
            {
                await users.CreateRoleAsync(new RoleRecord
                {
                    Db = database.Name,
                    Role = RoleName(department),
                    Privileges =
                    [
                        new ResourcePrivilege(database.Name, view, ["find", "killCursors"]),
                        new ResourcePrivilege(database.Name, CollectionNames.Departments, ["find"]),
                    ],
                }, cancellationToken).ConfigureAwait(false);
            }
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
