using Shopfloor.Validation;

namespace Shopfloor.Server;

/// <summary>The collections of the Shopfloor database.</summary>
public static class CollectionNames
{
    /// <summary>Photos (validated).</summary>
    public const string Photos = ShopfloorSchemas.Photos;

    /// <summary>Departments (validated).</summary>
    public const string Departments = ShopfloorSchemas.Departments;

    /// <summary>Projects (validated).</summary>
    public const string Projects = ShopfloorSchemas.Projects;

    /// <summary>Stored device sessions behind the JWTs (the seed's device_sessions).</summary>
    public const string DeviceSessions = "device_sessions";

    /// <summary>Department PIN hashes (the seed's department_auth).</summary>
    public const string DepartmentAuth = "department_auth";

    /// <summary>Failed sign-in counters.</summary>
    public const string SignInLockouts = "signin_lockouts";

    /// <summary>Sync events (the seed's sync_events, with its index set).</summary>
    public const string SyncEvents = "sync_events";

    /// <summary>Applied migrations (the seed's schema_versions).</summary>
    public const string SchemaVersions = "schema_versions";
}
