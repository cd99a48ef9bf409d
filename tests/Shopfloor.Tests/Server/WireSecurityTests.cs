using System.Net;
using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Auth;
using Outpost.Wire.Hosting;
using Outpost.Wire.Tests.Support;
using Outpost.Wire.Transport;
using Shopfloor.Domain;
using Shopfloor.Security;
using Shopfloor.Server;

namespace Shopfloor.Tests.Server;

/// <summary>
/// The wire path of "cross-department read and write are refused": a MongoDB client signed in (SCRAM) as a PAINT
/// department user, over a real engine and the Outpost wire server with authentication on.
/// </summary>
public sealed class WireSecurityTests : IAsyncLifetime
{
    private const int Unauthorized = 13;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "shopfloor-wire-" + Guid.NewGuid().ToString("N"));
    private OutpostEngine _engine = null!;
    private MongoWireServer _server = null!;
    private BsonDocument _paintPhoto = null!;
    private BsonDocument _qaPhoto = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _engine = await OutpostEngine.OpenAsync(new EngineOptions { SqlitePath = Path.Combine(_directory, "shopfloor.db") });
        var database = _engine.GetDatabase("shopfloor");
        await ShopfloorServices.CreateAsync(database, new ShopfloorOptions { DataDirectory = _directory });
        _paintPhoto = Samples.SeedValidPhoto();
        _qaPhoto = Samples.SeedValidPhoto().With("departmentId", "QA").With("fileName", "qa-secret.jpg");
        var inserted = await database.GetCollection(CollectionNames.Photos).InsertAsync([_paintPhoto, _qaPhoto], null, null, TestContext.Current.CancellationToken);
        Assert.Empty(inserted.WriteErrors);

        var users = new EngineUserStore(_engine);
        _server = new MongoWireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
            new WireHostOptions { AdvertisedAddress = "localhost:1", AuthenticationRequired = true }, users, null,
            (registry, dispatcher, host) => EngineBinding.Bind(_engine, registry, dispatcher, host));
        _server.Start();
        await DepartmentWireAccess.EnsureAsync(database, users, TestContext.Current.CancellationToken);
        Assert.True(await DepartmentWireAccess.CreateUserAsync(users, database, Departments.Paint, "paint-reader", "paint-pw", TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _engine.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<CommandClient> PaintClientAsync()
    {
        var client = new CommandClient(await RawWireClient.ConnectAsync(_server.LocalEndPoint));
        Assert.True((await ScramClient.AuthenticateAsync(client, "paint-reader", "paint-pw", "shopfloor"))["done"].AsBoolean);
        return client;
    }

    [Fact]
    public async Task Paint_user_reads_only_paint_photos_through_its_view()
    {
        await using var client = await PaintClientAsync();
        var reply = await client.RunOkAsync(new BsonDocument("find", "photos_PAINT"), "shopfloor");
        var batch = reply["cursor"].AsDocument["firstBatch"].AsArray;
        Assert.Single(batch);
        Assert.Equal(_paintPhoto["_id"], batch[0].AsDocument["_id"]);
        Assert.Equal(1L, (await client.RunOkAsync(new BsonDocument("count", "photos_PAINT"), "shopfloor"))["n"].ToInt64());
        // Even asking the PAINT view for QA photos finds none: the view's $match runs first.
        var qaThroughView = await client.RunOkAsync(new BsonDocument { { "find", "photos_PAINT" }, { "filter", new BsonDocument("departmentId", "QA") } }, "shopfloor");
        Assert.Empty(qaThroughView["cursor"].AsDocument["firstBatch"].AsArray);
    }

    [Fact]
    public async Task Paint_user_cannot_read_qa_photos_by_any_command()
    {
        await using var client = await PaintClientAsync();
        var denied = new[]
        {
            new BsonDocument("find", "photos"),
            new BsonDocument { { "find", "photos" }, { "filter", new BsonDocument("departmentId", "QA") } },
            new BsonDocument("find", "photos_QA"),
            new BsonDocument { { "count", "photos" } },
            new BsonDocument { { "distinct", "photos" }, { "key", "fileName" } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray() }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos_QA" }, { "pipeline", new BsonArray() }, { "cursor", new BsonDocument() } },
            // Allowed namespace, but the pipeline reaches another one.
            new BsonDocument { { "aggregate", "photos_PAINT" }, { "pipeline", new BsonArray { new BsonDocument("$unionWith", "photos_QA") } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos_PAINT" }, { "pipeline", new BsonArray { new BsonDocument("$lookup", new BsonDocument { { "from", "photos" }, { "pipeline", new BsonArray() }, { "as", "all" } }) } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", 1 }, { "pipeline", new BsonArray { new BsonDocument("$documents", new BsonArray()) } }, { "cursor", new BsonDocument() } },
            new BsonDocument("listCollections", 1),
        };
        foreach (var command in denied)
        {
            var reply = await client.RunAsync(command, "shopfloor");
            Assert.True(reply["ok"].ToDouble() == 0, command.ToString());
            Assert.Equal(Unauthorized, reply["code"].AsInt32);
        }
    }

    [Fact]
    public async Task Paint_user_cannot_write_any_photo()
    {
        await using var client = await PaintClientAsync();
        var denied = new[]
        {
            new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { Samples.SeedValidPhoto().With("departmentId", "QA") } } },
            new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { Samples.SeedValidPhoto() } } },
            new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", _qaPhoto["_id"]) }, { "u", new BsonDocument("$set", new BsonDocument("partId", "STOLEN")) } } } } },
            new BsonDocument { { "delete", "photos" }, { "deletes", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", _qaPhoto["_id"]) }, { "limit", 1 } } } } },
            new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", _qaPhoto["_id"]) }, { "remove", true } },
            new BsonDocument { { "insert", "photos_PAINT" }, { "documents", new BsonArray { Samples.SeedValidPhoto() } } },
            new BsonDocument { { "update", "photos_QA" }, { "updates", new BsonArray { new BsonDocument { { "q", new BsonDocument() }, { "u", new BsonDocument("$set", new BsonDocument("partId", "X")) } } } } },
            new BsonDocument { { "drop", "photos" } },
            new BsonDocument { { "createIndexes", "photos" }, { "indexes", new BsonArray { new BsonDocument { { "key", new BsonDocument("partId", 1) }, { "name", "p" } } } } },
        };
        foreach (var command in denied)
        {
            var reply = await client.RunAsync(command, "shopfloor");
            Assert.True(reply["ok"].ToDouble() == 0, command.ToString());
            Assert.Equal(Unauthorized, reply["code"].AsInt32);
        }
        var stored = await _engine.GetDatabase("shopfloor").GetCollection(CollectionNames.Photos).FindOneAsync(new BsonDocument("_id", _qaPhoto["_id"]), cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(stored);
        Assert.Equal("PART-001", stored!["partId"].AsString);
        Assert.Equal(2L, await _engine.GetDatabase("shopfloor").GetCollection(CollectionNames.Photos).CountAsync(new CountOptions(), null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Roles_are_managed_with_mongodb_commands_and_a_dropped_role_stops_working()
    {
        // The administrator: root on admin.
        await new EngineUserStore(_engine).CreateAsync(new UserRecord
        {
            Db = "admin", User = "admin", Sha256 = ScramCredential.Create(ScramMechanism.ScramSha256, "admin", "admin-pw"), Roles = [new RoleGrant("root", "admin")],
        }, TestContext.Current.CancellationToken);
        await using var admin = new CommandClient(await RawWireClient.ConnectAsync(_server.LocalEndPoint));
        Assert.True((await ScramClient.AuthenticateAsync(admin, "admin", "admin-pw"))["done"].AsBoolean);
        var roles = await admin.RunOkAsync(new BsonDocument { { "rolesInfo", "inspector_PAINT" }, { "showPrivileges", true } }, "shopfloor");
        var privilege = roles["roles"].AsArray[0].AsDocument["privileges"].AsArray[0].AsDocument;
        Assert.Equal("photos_PAINT", privilege["resource"].AsDocument["collection"].AsString);
        var unknown = await admin.RunAsync(new BsonDocument { { "createUser", "x" }, { "pwd", "x" }, { "roles", new BsonArray { "no_such_role" } } }, "shopfloor");
        Assert.Equal(31, unknown["code"].AsInt32);
        var duplicate = await admin.RunAsync(new BsonDocument { { "createRole", "inspector_PAINT" }, { "privileges", new BsonArray() }, { "roles", new BsonArray() } }, "shopfloor");
        Assert.Equal(51002, duplicate["code"].AsInt32);

        await using var client = await PaintClientAsync();
        await client.RunOkAsync(new BsonDocument("find", "photos_PAINT"), "shopfloor");
        await admin.RunOkAsync(new BsonDocument("dropRole", "inspector_PAINT"), "shopfloor");
        Assert.Equal(Unauthorized, (await client.RunAsync(new BsonDocument("find", "photos_PAINT"), "shopfloor"))["code"].AsInt32);
    }
}
