using Outpost.Bson;
using Outpost.Engine;
using Outpost.Sync.Merge;
using Outpost.Sync.Rules;
using Outpost.Sync.Server;

namespace Outpost.Sync.Tests.Simulation;

/// <summary>A sync server on a real SQLite file in a temp directory, with the plant's photo rules.</summary>
public sealed class SyncTestServer : IAsyncDisposable
{
    public static readonly byte[] Key = "outpost-sync-tests-hs256-key-0123456789abcdef"u8.ToArray();

    private SyncTestServer(string directory, OutpostEngine engine, SyncService service)
    {
        Directory = directory;
        Engine = engine;
        Service = service;
    }

    public string Directory { get; }
    public OutpostEngine Engine { get; }
    public SyncService Service { get; }
    public Collection Photos => Engine.GetDatabase("app").GetCollection("photos");

    public static MergePolicy PhotoPolicy() => new MergePolicy()
        .For("syncStatus", FieldPolicy.SyncStatusPriority)
        .For("tags", new FieldPolicy(MergeStrategy.SetUnion))
        .For("notes", new FieldPolicy(MergeStrategy.AppendWithAttribution))
        .For("views", new FieldPolicy(MergeStrategy.Counter))
        .For("decision", new FieldPolicy(MergeStrategy.KeepBoth));

    public static async Task<SyncTestServer> StartAsync(IReadOnlyList<CollectionSyncRule>? rules = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "outpost-sync-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "server.db"));
        rules ??=
        [
            new CollectionSyncRule("photos", new BsonDocument("departmentId", "{{token.departmentId}}")) { Policy = PhotoPolicy() },
        ];
        var service = new SyncService(engine, new SyncServerOptions { Rules = rules }, new JwtSyncAuthenticator(Key));
        await service.InitializeAsync();
        return new SyncTestServer(directory, engine, service);
    }

    public static string Token(string subject, string? department) =>
        JwtSyncAuthenticator.CreateToken(Key, subject,
            department is null ? new Dictionary<string, object>() : new Dictionary<string, object> { ["departmentId"] = department },
            TimeSpan.FromHours(1));

    public string DevicePath(string name) => Path.Combine(Directory, name + ".db");

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
