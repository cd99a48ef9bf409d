using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Engine;
using Outpost.Sync.Transport;
using Shopfloor.Device;
using Shopfloor.Server;
using Shopfloor.Validation;

namespace Shopfloor.Tests.Sync;

/// <summary>
/// A Shopfloor sync server on a real SQLite file in a temp folder, with the module's collection validators on
/// <c>photos</c> (so synced writes pass the same rules as REST), and devices with their own SQLite databases beside it.
/// </summary>
internal sealed class DeviceSyncServer : IAsyncDisposable
{
    public const string Database = "shopfloor";

    private DeviceSyncServer(string directory, OutpostEngine engine, ShopfloorSyncServer sync)
    {
        Directory = directory;
        Engine = engine;
        Sync = sync;
    }

    public string Directory { get; }
    public OutpostEngine Engine { get; }
    public ShopfloorSyncServer Sync { get; }
    public Collection Photos => Engine.GetDatabase(Database).GetCollection("photos");

    public static async Task<DeviceSyncServer> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "shopfloor-device-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "server.db"), cancellationToken);
        await ShopfloorDatabaseSetup.EnsureAsync(engine.GetDatabase(Database), new ShopfloorSchemas(), cancellationToken);
        var sync = await ShopfloorSyncServer.StartAsync(engine, Database, RandomNumberGenerator.GetBytes(32), cancellationToken);
        return new DeviceSyncServer(directory, engine, sync);
    }

    /// <summary>Opens device <paramref name="name"/> of <paramref name="department"/>; <paramref name="transport"/> defaults to in-process.</summary>
    public Task<ShopfloorDevice> OpenDeviceAsync(string name, string department, CancellationToken cancellationToken, ISyncTransport? transport = null,
        Shopfloor.Security.FieldKeyring? fieldKeys = null) =>
        ShopfloorDevice.OpenAsync(new DeviceOptions
        {
            DataDirectory = Path.Combine(Directory, name),
            DeviceId = name,
            DepartmentId = department,
            Token = Sync.IssueToken(name, department),
            Transport = transport ?? new InProcessSyncTransport(Sync),
            Seed = name.Length * 31 + department.Length,
            FieldKeys = fieldKeys,
        }, cancellationToken);

    public async Task<List<BsonDocument>> ServerPhotosAsync(CancellationToken cancellationToken)
    {
        var cursor = await Photos.FindAsync(cancellationToken: cancellationToken);
        return await cursor.ToListAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
