using Outpost.Bson;
using Outpost.Bson.Keys;
using Outpost.Bson.Serialization;
using Outpost.Storage.Sqlite;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

/// <summary>
/// Collection.GetBulkLoadTree + SqliteBulkLoader (how the sync server fills snapshot files): rows written at storage
/// level into a closed file are, once the engine opens it again, an ordinary collection.
/// </summary>
public sealed class BulkLoadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rows_written_at_storage_level_read_back_as_the_collection_and_keep_its_rules()
    {
        var directory = Path.Combine(Path.GetTempPath(), "outpost-bulkload-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "file.db");
            long tree;
            await using (var engine = await OutpostEngine.OpenAsync(path, Ct))
            {
                var db = engine.GetDatabase("app");
                Assert.Null(db.GetCollection("plain").GetBulkLoadTree()); // does not exist yet
                await db.CreateCollectionAsync("plain", cancellationToken: Ct);
                tree = db.GetCollection("plain").GetBulkLoadTree() ?? throw new InvalidOperationException("no tree");
                await db.CreateCollectionAsync("capped", new CreateCollectionOptions { Capped = true, Size = 10_000 }, cancellationToken: Ct);
                Assert.Null(db.GetCollection("capped").GetBulkLoadTree());
                await db.CreateCollectionAsync("view", new CreateCollectionOptions { ViewOn = "plain", Pipeline = Arr() }, cancellationToken: Ct);
                Assert.Null(db.GetCollection("view").GetBulkLoadTree());
                await db.GetCollection("indexed").CreateIndexesAsync([IndexModel.FromDocument(Doc(("key", Doc(("a", 1))), ("name", "a_1")))], cancellationToken: Ct);
                Assert.Null(db.GetCollection("indexed").GetBulkLoadTree()); // its index entries would be missing
            }

            var docs = new[] { Doc(("_id", 1), ("a", "one")), Doc(("_id", "two"), ("a", 2)), Doc(("_id", ObjectId.GenerateNewId()), ("a", 3.5)) };
            using (var loader = SqliteBulkLoader.Open(path))
            {
                foreach (var d in docs) loader.Insert(tree, BsonKeyEncoder.Encode(d["_id"]), BsonSerializer.Serialize(d));
                Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() => loader.Insert(tree, BsonKeyEncoder.Encode(docs[0]["_id"]), BsonSerializer.Serialize(docs[0])));
                loader.Commit();
                Assert.Equal(3, loader.Count);
            }
            Assert.False(File.Exists(path + "-wal")); // one self-contained file

            await using (var engine = await OutpostEngine.OpenAsync(path, Ct))
            {
                var plain = engine.GetDatabase("app").GetCollection("plain");
                var all = await (await plain.FindAsync(cancellationToken: Ct)).ToListAsync(Ct);
                Assert.Equal(3, all.Count);
                var two = await (await plain.FindAsync(new FindOptions { Filter = Doc(("_id", "two")) }, cancellationToken: Ct)).ToListAsync(Ct);
                Assert.Equal(BsonSerializer.Serialize(docs[1]), BsonSerializer.Serialize(Assert.Single(two)));
                var duplicate = await plain.InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);
                Assert.Equal(11000, Assert.Single(duplicate.WriteErrors).Code);
                await plain.CreateIndexesAsync([IndexModel.FromDocument(Doc(("key", Doc(("a", 1))), ("name", "a_1")))], cancellationToken: Ct);
                Assert.Single(await (await plain.FindAsync(new FindOptions { Filter = Doc(("a", 2)) }, cancellationToken: Ct)).ToListAsync(Ct));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
