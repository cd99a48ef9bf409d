using Microsoft.Extensions.Logging;
using Outpost.Engine;
using Shopfloor.Security;
using Shopfloor.Server.Stores;
using Shopfloor.Validation;

namespace Shopfloor.Server;

/// <summary>
/// Everything the module's endpoints use, wired over one Outpost database: the Outpost-backed security stores,
/// sign-in and token services, the authorizer, the field protector and the photo, search, dashboard and
/// reference-data services. Also usable without HTTP (the demo, the benchmark, tests).
/// </summary>
public sealed class ShopfloorServices : IAsyncDisposable
{
    private ShopfloorServices(Database database, ShopfloorOptions options, ShopfloorSecrets secrets, ILoggerFactory loggerFactory)
    {
        Database = database;
        Time = options.Time;
        AdminKey = options.AdminKey ?? secrets.AdminKey;
        Schemas = new ShopfloorSchemas();
        Sessions = new OutpostDeviceSessionStore(database);
        Credentials = new OutpostDepartmentCredentialStore(database);
        Lockouts = new OutpostLockoutStore(database);
        Tokens = new DeviceTokenService(options.Jwt ?? secrets.CreateJwtOptions(), Sessions, Time);
        SignIn = new DeviceSignInService(Credentials, Lockouts, new PinHasher(options.PinIterations), Tokens, options.Lockout,
            loggerFactory.CreateLogger<DeviceSignInService>(), Time);
        Authorizer = new DocumentAuthorizer(loggerFactory.CreateLogger<DocumentAuthorizer>());
        FieldKeys = options.Keyring ?? secrets.CreateKeyring();
        Protector = new PhotoFieldProtector(new FieldEncryptor(FieldKeys));
        Photos = new PhotoService(database, Schemas, Authorizer, Protector, Time);
        Search = new PhotoSearchService(database);
        Rollups = options.DashboardRollups ? new DashboardRollups(database) : null;
        Dashboard = new DashboardService(database, Time, Rollups);
        ReferenceData = new ReferenceDataService(database, Schemas, Time);
    }

    /// <summary>Creates the collections, validators and indexes (idempotent) and wires the services.</summary>
    public static async Task<ShopfloorServices> CreateAsync(Database database, ShopfloorOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        var secrets = ShopfloorSecrets.LoadOrCreate(options.DataDirectory);
        var services = new ShopfloorServices(database, options, secrets, loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await ShopfloorDatabaseSetup.EnsureAsync(database, services.Schemas, cancellationToken).ConfigureAwait(false);
        if (services.Rollups is not null)
        {
            await services.Rollups.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        return services;
    }

    /// <summary>The Shopfloor database.</summary>
    public Database Database { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The administrator key for reference-data writes.</summary>
    public string AdminKey { get; }

    /// <summary>The rule trees and validators.</summary>
    public ShopfloorSchemas Schemas { get; }

    /// <summary>Device sessions (collection device_sessions).</summary>
    public OutpostDeviceSessionStore Sessions { get; }

    /// <summary>PIN hashes (collection department_auth).</summary>
    public OutpostDepartmentCredentialStore Credentials { get; }

    /// <summary>Lock-out counters (collection signin_lockouts).</summary>
    public OutpostLockoutStore Lockouts { get; }

    /// <summary>Token issue and validation.</summary>
    public DeviceTokenService Tokens { get; }

    /// <summary>Department code + PIN sign-in.</summary>
    public DeviceSignInService SignIn { get; }

    /// <summary>The one authorization decision point.</summary>
    public DocumentAuthorizer Authorizer { get; }

    /// <summary>
    /// The field-encryption keyring: the server decrypts with it, and enrolled tablets are provisioned with it so they
    /// encrypt notes and GPS before those enter the synced collection.
    /// </summary>
    public FieldKeyring FieldKeys { get; }

    /// <summary>Notes/location encryption.</summary>
    public PhotoFieldProtector Protector { get; }

    /// <summary>Photo CRUD.</summary>
    public PhotoService Photos { get; }

    /// <summary>Photo search.</summary>
    public PhotoSearchService Search { get; }

    /// <summary>The dashboard's daily rollups, maintained from the photos change stream (null when turned off).</summary>
    public DashboardRollups? Rollups { get; }

    /// <summary>Dashboard aggregation.</summary>
    public DashboardService Dashboard { get; }

    /// <summary>Departments and projects.</summary>
    public ReferenceDataService ReferenceData { get; }

    /// <summary>Stops the background rollup maintenance (before the engine closes).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Rollups is not null)
        {
            await Rollups.DisposeAsync().ConfigureAwait(false);
        }
    }
}
