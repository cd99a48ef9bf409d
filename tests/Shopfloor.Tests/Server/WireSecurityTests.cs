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
/// department user, over a real engine and the Outpost wire server with authentication on. The user reads and writes
/// PAINT photos on <c>photos</c> itself through its document-restricted privilege (decision 026); every QA photo is
/// invisible to it and every attempt to write one is refused.
/// </summary>
public sealed class WireSecurityTests : IAsyncLifetime
{
    private const int Unauthorized = 13;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "shopfloor-wire-" + Guid.NewGuid().ToString("N"));
    private OutpostEngine _engine = null!;
    private MongoWireServer _server = null!;
    private ShopfloorServices _services = null!;
    private readonly ListLoggerFactory _log = new();
    private BsonDocument _paintPhoto = null!;
    private BsonDocument _qaPhoto = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _engine = await OutpostEngine.OpenAsync(new EngineOptions { SqlitePath = Path.Combine(_directory, "shopfloor.db") });
        var database = _engine.GetDatabase("shopfloor");
        _services = await ShopfloorServices.CreateAsync(database, new ShopfloorOptions { DataDirectory = _directory });
        _paintPhoto = Samples.SeedValidPhoto();
        _qaPhoto = Samples.SeedValidPhoto().With("departmentId", "QA").With("fileName", "qa-secret.jpg");
        var inserted = await database.GetCollection(CollectionNames.Photos).InsertAsync([_paintPhoto, _qaPhoto], null, null, TestContext.Current.CancellationToken);
        Assert.Empty(inserted.WriteErrors);

        var users = new EngineUserStore(_engine);
        _server = new MongoWireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
            new WireHostOptions { AdvertisedAddress = "localhost:1", AuthenticationRequired = true }, users, _log,
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
    public async Task Paint_user_reads_only_paint_photos_on_the_photos_collection()
    {
        await using var client = await PaintClientAsync();
        var all = (await client.RunOkAsync(new BsonDocument("find", "photos"), "shopfloor"))["cursor"].AsDocument["firstBatch"].AsArray;
        Assert.Single(all);
        Assert.Equal(_paintPhoto["_id"], all[0].AsDocument["_id"]);
        var sawNothing = new[]
        {
            new BsonDocument { { "find", "photos" }, { "filter", new BsonDocument("departmentId", "QA") } },
            new BsonDocument { { "find", "photos" }, { "filter", new BsonDocument("_id", _qaPhoto["_id"]) } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$match", new BsonDocument("departmentId", "QA")) } }, { "cursor", new BsonDocument() } },
        };
        foreach (var command in sawNothing)
        {
            Assert.Empty((await client.RunOkAsync(command, "shopfloor"))["cursor"].AsDocument["firstBatch"].AsArray);
        }
        Assert.Equal(1L, (await client.RunOkAsync(new BsonDocument("count", "photos"), "shopfloor"))["n"].ToInt64());
        Assert.Equal(0L, (await client.RunOkAsync(new BsonDocument { { "count", "photos" }, { "query", new BsonDocument("departmentId", "QA") } }, "shopfloor"))["n"].ToInt64());
        var files = (await client.RunOkAsync(new BsonDocument { { "distinct", "photos" }, { "key", "fileName" } }, "shopfloor"))["values"].AsArray;
        Assert.Equal(new BsonArray { _paintPhoto["fileName"] }, files);
    }

    [Fact]
    public async Task Paint_user_cannot_read_qa_photos_by_any_command()
    {
        await using var client = await PaintClientAsync();
        var denied = new[]
        {
            new BsonDocument("find", "photos_QA"),
            new BsonDocument { { "aggregate", "photos_QA" }, { "pipeline", new BsonArray() }, { "cursor", new BsonDocument() } },
            // Allowed namespace, but the pipeline reaches another one.
            new BsonDocument { { "aggregate", "photos_PAINT" }, { "pipeline", new BsonArray { new BsonDocument("$unionWith", "photos_QA") } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos_PAINT" }, { "pipeline", new BsonArray { new BsonDocument("$lookup", new BsonDocument { { "from", "photos_QA" }, { "pipeline", new BsonArray() }, { "as", "all" } }) } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "departments" }, { "pipeline", new BsonArray { new BsonDocument("$lookup", new BsonDocument { { "from", "projects" }, { "pipeline", new BsonArray() }, { "as", "p" } }) } }, { "cursor", new BsonDocument() } },
            // A change stream reports other departments' deletes and updates: refused, not filtered.
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$changeStream", new BsonDocument()) } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", 1 }, { "pipeline", new BsonArray { new BsonDocument("$documents", new BsonArray()) } }, { "cursor", new BsonDocument() } },
            new BsonDocument("collStats", "photos"),
            new BsonDocument("listCollections", 1),
        };
        foreach (var command in denied)
        {
            var reply = await client.RunAsync(command, "shopfloor");
            Assert.True(reply["ok"].ToDouble() == 0, command.ToString());
            Assert.Equal(Unauthorized, reply["code"].AsInt32);
        }

        // Joins and unions into photos are allowed and see only PAINT photos: the privilege's filter goes into each source.
        var joins = new[]
        {
            new BsonDocument("$lookup", new BsonDocument { { "from", "photos" }, { "pipeline", new BsonArray() }, { "as", "joined" } }),
            new BsonDocument("$lookup", new BsonDocument { { "from", "photos" }, { "localField", "partId" }, { "foreignField", "partId" }, { "as", "joined" } }),
            new BsonDocument("$graphLookup", new BsonDocument { { "from", "photos" }, { "startWith", "$partId" }, { "connectFromField", "partId" }, { "connectToField", "partId" }, { "as", "joined" } }),
        };
        foreach (var join in joins)
        {
            foreach (var source in new[] { "photos", "photos_PAINT" })
            {
                var reply = await client.RunOkAsync(new BsonDocument { { "aggregate", source }, { "pipeline", new BsonArray { join } }, { "cursor", new BsonDocument() } }, "shopfloor");
                var row = Assert.Single(reply["cursor"].AsDocument["firstBatch"].AsArray).AsDocument;
                Assert.Equal(_paintPhoto["_id"], Assert.Single(row["joined"].AsArray).AsDocument["_id"]);
            }
        }
        var union = await client.RunOkAsync(new BsonDocument { { "aggregate", "photos_PAINT" }, { "pipeline", new BsonArray { new BsonDocument("$unionWith", "photos") } }, { "cursor", new BsonDocument() } }, "shopfloor");
        Assert.All(union["cursor"].AsDocument["firstBatch"].AsArray, d => Assert.Equal("PAINT", d.AsDocument["departmentId"].AsString));
    }

    [Fact]
    public async Task Paint_user_inserts_updates_and_deletes_paint_photos_and_the_validator_applies()
    {
        await using var client = await PaintClientAsync();
        var photo = Samples.SeedValidPhoto().With("fileName", "wire.jpg");
        var inserted = await client.RunOkAsync(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { photo } } }, "shopfloor");
        Assert.Equal(1, inserted["n"].AsInt32);
        Assert.False(inserted.Contains("writeErrors"));
        var updated = await client.RunOkAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", photo["_id"]), Set("partId", "PART-009")) } } }, "shopfloor");
        Assert.Equal(1, updated["nModified"].AsInt32);
        var modified = await client.RunOkAsync(new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", photo["_id"]) }, { "update", Set("syncStatus", "synced") }, { "new", true } }, "shopfloor");
        Assert.Equal("PART-009", modified["value"].AsDocument["partId"].AsString);
        Assert.Equal(2L, (await client.RunOkAsync(new BsonDocument("count", "photos_PAINT"), "shopfloor"))["n"].ToInt64());

        // The collection validator still runs for wire writes: a rating of 11 is out of range.
        var invalid = Samples.SeedValidPhoto();
        invalid["metadata"].AsDocument.Set("qualityRating", 11);
        var refused = await client.RunAsync(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { invalid } } }, "shopfloor");
        Assert.Equal(121, refused["writeErrors"].AsArray[0].AsDocument["code"].AsInt32);
        // Skipping the validator is an action of its own, which the department role does not hold.
        var bypass = await client.RunAsync(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { invalid } }, { "bypassDocumentValidation", true } }, "shopfloor");
        Assert.Equal(Unauthorized, bypass["code"].AsInt32);

        var deleted = await client.RunOkAsync(new BsonDocument { { "delete", "photos" }, { "deletes", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", photo["_id"]) }, { "limit", 1 } } } } }, "shopfloor");
        Assert.Equal(1, deleted["n"].AsInt32);
        Assert.Equal(2L, await PhotosAsync().CountAsync(new CountOptions(), null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Paint_user_cannot_write_any_other_departments_photo()
    {
        await using var client = await PaintClientAsync();
        var qaId = _qaPhoto["_id"];
        var paintId = _paintPhoto["_id"];
        // Refused outright (13) or as a write error (13) naming the statement.
        var refused = new[]
        {
            new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { Samples.SeedValidPhoto().With("departmentId", "QA") } } },
            new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { Samples.SeedValidPhoto(), Samples.SeedValidPhoto().With("departmentId", "QA") } }, { "ordered", false } },
            new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", paintId), Set("departmentId", "QA")) } } },
            new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", paintId), new BsonArray { new BsonDocument("$set", new BsonDocument("departmentId", "QA")) }) } } },
            new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("fileName", "new.jpg"), Set("departmentId", "QA"), upsert: true) } } },
            new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", paintId) }, { "update", Set("departmentId", "QA") } },
            new BsonDocument { { "insert", "photos_PAINT" }, { "documents", new BsonArray { Samples.SeedValidPhoto() } } },
            new BsonDocument { { "update", "photos_QA" }, { "updates", new BsonArray { Update(new BsonDocument(), Set("partId", "X")) } } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$set", new BsonDocument("departmentId", "QA")), new BsonDocument("$merge", new BsonDocument("into", "photos")) } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$out", "photos_copy") } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "drop", "photos" } },
            new BsonDocument { { "createIndexes", "photos" }, { "indexes", new BsonArray { new BsonDocument { { "key", new BsonDocument("partId", 1) }, { "name", "p" } } } } },
        };
        foreach (var command in refused)
        {
            var reply = await client.RunAsync(command, "shopfloor");
            int code = reply["ok"].ToDouble() == 0 ? reply["code"].AsInt32 : reply["writeErrors"].AsArray[^1].AsDocument["code"].AsInt32;
            Assert.True(code == Unauthorized, command + " -> " + reply);
        }
        // Filters naming QA's photos match nothing: nothing is updated, deleted or returned.
        var seeNothing = new[]
        {
            new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", qaId), Set("partId", "STOLEN")) } } },
            new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("departmentId", "QA"), Set("partId", "STOLEN"), multi: true) } } },
            new BsonDocument { { "delete", "photos" }, { "deletes", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", qaId) }, { "limit", 1 } } } } },
            new BsonDocument { { "delete", "photos" }, { "deletes", new BsonArray { new BsonDocument { { "q", new BsonDocument("departmentId", "QA") }, { "limit", 0 } } } } },
        };
        foreach (var command in seeNothing)
        {
            var reply = await client.RunOkAsync(command, "shopfloor");
            Assert.Equal(0, reply["n"].AsInt32);
        }
        foreach (var famQa in new[] { new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", qaId) }, { "remove", true } },
                                      new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", qaId) }, { "update", Set("partId", "STOLEN") } } })
        {
            Assert.True((await client.RunOkAsync(famQa, "shopfloor"))["value"].IsNull);
        }

        var photos = PhotosAsync();
        var qa = await photos.FindOneAsync(new BsonDocument("_id", qaId), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(_qaPhoto, qa);
        var paint = await photos.FindOneAsync(new BsonDocument("_id", paintId), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(_paintPhoto, paint);
        // Only the unordered insert's PAINT photo got in (its QA sibling was refused).
        Assert.Equal(3L, await photos.CountAsync(new CountOptions(), null, TestContext.Current.CancellationToken));
        Assert.Equal(1L, await photos.CountAsync(new CountOptions { Filter = new BsonDocument("departmentId", "QA") }, null, TestContext.Current.CancellationToken));
        Assert.Contains(_log.Messages(), m => m.Contains("authorization denied: paint-reader@shopfloor", StringComparison.Ordinal) && m.Contains("outpostFilter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Encrypted_fields_are_written_on_the_wire_only_as_ciphertext()
    {
        await using var client = await PaintClientAsync();
        var clear = Samples.SeedValidPhoto();
        clear["metadata"].AsDocument.Set("inspectorNotes", "scratch on the left panel");
        var refusedInsert = await client.RunAsync(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { clear } } }, "shopfloor");
        Assert.Equal(Unauthorized, refusedInsert["writeErrors"].AsArray[0].AsDocument["code"].AsInt32);
        var refusedSet = await client.RunAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", _paintPhoto["_id"]), Set("metadata.location", new BsonDocument { { "latitude", 1.0 }, { "longitude", 2.0 } })) } } }, "shopfloor");
        Assert.Equal(Unauthorized, refusedSet["writeErrors"].AsArray[0].AsDocument["code"].AsInt32);

        // A client that seals the value with the module's envelope (as a tablet does before sync) may write it, and the
        // server module decrypts it for an authorized reader.
        var sealedPhoto = _services.Protector.Protect(clear);
        var accepted = await client.RunOkAsync(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { sealedPhoto } } }, "shopfloor");
        Assert.Equal(1, accepted["n"].AsInt32);
        var stored = await PhotosAsync().FindOneAsync(new BsonDocument("_id", clear["_id"]), cancellationToken: TestContext.Current.CancellationToken);
        Assert.IsType<BsonBinary>(stored!["metadata"].AsDocument["inspectorNotes"]);
        var reader = new DevicePrincipal("tablet-1", "PAINT", "PNT", [Permissions.PhotoRead], "session-1");
        var opened = _services.Protector.Unprotect(stored, reader, _services.Authorizer);
        Assert.Equal("scratch on the left panel", opened["metadata"].AsDocument["inspectorNotes"].AsString);
    }

    [Fact]
    public async Task EnsureAsync_upgrades_a_view_only_role_and_is_idempotent()
    {
        var users = new EngineUserStore(_engine);
        var database = _engine.GetDatabase("shopfloor");
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await users.DropRoleAsync("shopfloor", "inspector_QA", ct));
        Assert.True(await users.CreateRoleAsync(new RoleRecord
        {
            Db = "shopfloor", Role = "inspector_QA", Privileges = [new ResourcePrivilege("shopfloor", "photos_QA", ["find", "killCursors"])],
        }, ct));
        await DepartmentWireAccess.EnsureAsync(database, users, ct);
        var upgraded = await users.FindRoleAsync("shopfloor", "inspector_QA", ct);
        Assert.Equal(DepartmentWireAccess.PhotoFilter(Departments.QaQc), upgraded!.Privileges[0].Filter);
        Assert.Equal(3, upgraded.Privileges.Count);
        var before = (await users.FindRoleAsync("shopfloor", "inspector_PAINT", ct))!.ToDocument();
        await DepartmentWireAccess.EnsureAsync(database, users, ct);
        Assert.Equal(before, (await users.FindRoleAsync("shopfloor", "inspector_PAINT", ct))!.ToDocument());
    }

    private Collection PhotosAsync() => _engine.GetDatabase("shopfloor").GetCollection(CollectionNames.Photos);

    private static BsonDocument Update(BsonDocument q, BsonValue u, bool multi = false, bool upsert = false) =>
        new() { { "q", q }, { "u", u }, { "multi", multi }, { "upsert", upsert } };

    private static BsonDocument Set(string field, BsonValue value) => new("$set", new BsonDocument(field, value));

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
        var privileges = roles["roles"].AsArray[0].AsDocument["privileges"].AsArray;
        var photos = privileges[0].AsDocument;
        Assert.Equal("photos", photos["resource"].AsDocument["collection"].AsString);
        Assert.Equal("PAINT", photos["outpostFilter"].AsDocument["departmentId"].AsString);
        Assert.Equal("photos_PAINT", privileges[1].AsDocument["resource"].AsDocument["collection"].AsString);
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
