using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Migrations;
using Shopfloor.Server;

namespace Shopfloor.Tests.Migrations;

/// <summary>The seed's migrations v1–v4 on legacy data in a real SQLite engine: up, down, checksums, atomicity.</summary>
public sealed class MigrationRunnerTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "shopfloor-migrations", Guid.NewGuid().ToString("N"));
    private OutpostEngine _engine = null!;
    private Database _db = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _engine = await OutpostEngine.OpenAsync(Path.Combine(_directory, "m.db"), TestContext.Current.CancellationToken);
        _db = _engine.GetDatabase("shopfloor");
        var ct = TestContext.Current.CancellationToken;
        // Version-0 data: photos without sync fields or audit trail, one that already has a sync status, a department without settings.
        await _db.GetCollection(CollectionNames.Photos).InsertAsync(
        [
            new BsonDocument { { "_id", 1 }, { "fileName", "a.jpg" }, { "capturedAt", new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc) }, { "metadata", new BsonDocument("deviceInfo", new BsonDocument("deviceId", "tab-7")) } },
            new BsonDocument { { "_id", 2 }, { "fileName", "b.jpg" }, { "createdAt", new DateTime(2024, 5, 2, 0, 0, 0, DateTimeKind.Utc) } },
            new BsonDocument { { "_id", 3 }, { "fileName", "c.jpg" }, { "syncStatus", "synced" }, { "syncAttempts", 2 }, { "auditTrail", new BsonArray() } },
        ], cancellationToken: ct);
        await _db.GetCollection(CollectionNames.Departments).InsertAsync([new BsonDocument { { "_id", "PAINT" }, { "name", "Paint" } }], cancellationToken: ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<BsonDocument> PhotoAsync(int id) =>
        (await _db.GetCollection(CollectionNames.Photos).FindListAsync(new FindOptions { Filter = new BsonDocument("_id", id) }, cancellationToken: TestContext.Current.CancellationToken))[0];

    private async Task<List<string>> IndexNamesAsync() =>
        (await _db.GetCollection(CollectionNames.Photos).ListIndexesAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(i => i["name"].AsString).ToList();

    [Fact]
    public async Task Up_applies_v1_to_v4_and_records_versions_with_checksums()
    {
        var ct = TestContext.Current.CancellationToken;
        var runner = new MigrationRunner(_engine, "shopfloor");

        Assert.Equal([1, 2, 3, 4], await runner.UpAsync(cancellationToken: ct));

        var a = await PhotoAsync(1);
        Assert.Equal("pending", a["syncStatus"].AsString);
        Assert.Equal(0, a["syncAttempts"].ToInt64());
        Assert.IsType<BsonDateTime>(a["lastModified"]);
        var audit = a["auditTrail"].AsArray[0].AsDocument;
        Assert.Equal("created", audit["action"].AsString);
        Assert.Equal("tab-7", audit["deviceId"].AsString);
        Assert.Equal(new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc), audit["timestamp"].AsDateTime.ToDateTime());
        var b = await PhotoAsync(2);
        Assert.Equal("unknown", b["auditTrail"].AsArray[0].AsDocument["userId"].AsString);
        Assert.Equal(new DateTime(2024, 5, 2, 0, 0, 0, DateTimeKind.Utc), b["auditTrail"].AsArray[0].AsDocument["details"].AsDocument["originalCreatedAt"].AsDateTime.ToDateTime());
        var c = await PhotoAsync(3);
        Assert.Equal("synced", c["syncStatus"].AsString);
        Assert.Empty(c["auditTrail"].AsArray);
        var department = (await _db.GetCollection(CollectionNames.Departments).FindListAsync(new FindOptions(), cancellationToken: ct))[0];
        Assert.Equal(90, department["settings"].AsDocument["compressionQuality"].ToInt64());
        Assert.Contains("departmentId_1_capturedAt_-1", await IndexNamesAsync());
        Assert.Contains("projectId_1_syncStatus_1", await IndexNamesAsync());

        var status = await runner.StatusAsync(ct);
        Assert.All(status, s => Assert.True(s.Applied && !s.Modified));
        Assert.All(status, s => Assert.Matches("^[0-9a-f]{64}$", s.Checksum));
        Assert.Equal(4, await runner.CurrentVersionAsync(ct));
        Assert.Empty(await runner.UpAsync(cancellationToken: ct));
    }

    [Fact]
    public async Task Down_reverts_only_what_each_migration_changed()
    {
        var ct = TestContext.Current.CancellationToken;
        var runner = new MigrationRunner(_engine, "shopfloor");
        await runner.UpAsync(cancellationToken: ct);

        Assert.Equal([4, 3], await runner.DownAsync(2, ct));
        Assert.False((await PhotoAsync(1)).Contains("auditTrail"));
        Assert.True((await PhotoAsync(3)).Contains("auditTrail")); // it had one before v3
        Assert.DoesNotContain("projectId_1_syncStatus_1", await IndexNamesAsync());
        Assert.Equal(2, await runner.CurrentVersionAsync(ct));

        Assert.Equal([2, 1], await runner.DownAsync(0, ct));
        Assert.False((await PhotoAsync(1)).Contains("syncStatus"));
        Assert.Equal("synced", (await PhotoAsync(3))["syncStatus"].AsString);
        Assert.False((await _db.GetCollection(CollectionNames.Departments).FindListAsync(new FindOptions(), cancellationToken: ct))[0].Contains("settings"));
        Assert.Equal(0, await runner.CurrentVersionAsync(ct));
    }

    [Fact]
    public async Task Down_keeps_an_index_that_existed_before_v4()
    {
        var ct = TestContext.Current.CancellationToken;
        await _db.GetCollection(CollectionNames.Photos).CreateIndexesAsync([new IndexModel { Keys = new BsonDocument { { "departmentId", 1 }, { "capturedAt", -1 } } }], cancellationToken: ct);
        var runner = new MigrationRunner(_engine, "shopfloor");
        await runner.UpAsync(cancellationToken: ct);
        await runner.DownAsync(3, ct);
        Assert.Contains("departmentId_1_capturedAt_-1", await IndexNamesAsync());
        Assert.DoesNotContain("projectId_1_syncStatus_1", await IndexNamesAsync());
    }

    [Fact]
    public async Task A_changed_applied_migration_is_reported_and_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await new MigrationRunner(_engine, "shopfloor").UpAsync(2, ct);
        var edited = ShopfloorMigrations.All.ToList();
        edited[1] = new Migration(2, "Add department-specific settings", [new UpdateManyStep(CollectionNames.Departments, [], new BsonDocument("$set", new BsonDocument("x", 1)))], []);
        var runner = new MigrationRunner(_engine, "shopfloor", edited);

        Assert.True((await runner.StatusAsync(ct))[1].Modified);
        var error = await Assert.ThrowsAsync<MongoException>(() => runner.UpAsync(cancellationToken: ct));
        Assert.Equal(ErrorCodes.BadValue, error.Code);
        Assert.Equal(2, await runner.CurrentVersionAsync(ct));
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_data_change_and_no_record()
    {
        var ct = TestContext.Current.CancellationToken;
        var failing = new Migration(1, "half done",
            [
                new UpdateManyStep(CollectionNames.Photos, [], new BsonDocument("$set", new BsonDocument("flag", true))),
                new UpdateManyStep(CollectionNames.Photos, [], new BsonDocument("$bogus", new BsonDocument("x", 1))),
            ], []);
        var runner = new MigrationRunner(_engine, "shopfloor", [failing]);

        await Assert.ThrowsAnyAsync<MongoException>(() => runner.UpAsync(cancellationToken: ct));

        Assert.False((await PhotoAsync(1)).Contains("flag"));
        Assert.Equal(0, await runner.CurrentVersionAsync(ct));
    }
}
