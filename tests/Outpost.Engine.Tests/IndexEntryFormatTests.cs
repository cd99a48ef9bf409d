using Outpost.Bson;
using Outpost.Bson.Keys;
using Outpost.Engine.Catalog;
using Outpost.Storage;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

/// <summary>
/// Index entry format 2 (decision 025): a non-unique B-tree index created now stores no value — the document's _id
/// key is the end of the entry key — while an index from an older file (format 1: the _id key as the value) keeps
/// working, reads and writes, until it is rebuilt.
/// </summary>
public sealed class IndexEntryFormatTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<StorageEntry>> EntriesAsync(TestEngine t, long tree)
    {
        var list = new List<StorageEntry>();
        await using var tx = await t.Engine.Storage.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        await foreach (var e in tx.ScanAsync(tree, KeyRange.All, false, Ct)) list.Add(e);
        return list;
    }

    private static IndexState Index(TestEngine t, string collection, string name) =>
        t.Engine.Catalog.TryGet("test", collection)!.Indexes.Single(i => i.Name == name);

    private static async Task<List<int>> FindViaAsync(Collection c, string hint, BsonDocument filter) =>
        (await c.FindAllAsync(filter, Doc(("_id", 1)))).Select(d => d["_id"].AsInt32).ToList() is var all
        && (await (await c.FindAsync(new FindOptions { Filter = filter, Hint = hint, Sort = Doc(("_id", 1)) }, cancellationToken: Ct)).ToListAsync(Ct)).Select(d => d["_id"].AsInt32).ToList() is var hinted
        && all.SequenceEqual(hinted) ? hinted : throw new InvalidOperationException($"hinted {string.Join(',', hinted)} != {string.Join(',', all)}");

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task New_non_unique_btree_entries_have_no_value_and_survive_restart(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("c");
        await c.CreateIndexesAsync([
            new IndexModel { Keys = Doc(("a", 1), ("b", -1)), Name = "a_b" },
            new IndexModel { Keys = Doc(("u", 1)), Name = "u", Unique = true },
            new IndexModel { Keys = Doc(("tags", 1)), Name = "tags" },
        ], cancellationToken: Ct);
        Assert.Empty((await c.InsertAsync([
            Doc(("_id", 1), ("a", 1), ("b", "x"), ("u", 1), ("tags", Arr("p", "q"))),
            Doc(("_id", 2), ("a", 1), ("b", "y"), ("u", 2), ("tags", Arr("q"))),
            Doc(("_id", 3), ("a", 2), ("u", 3)),
        ], cancellationToken: Ct)).WriteErrors);

        Assert.True(Index(t, "c", "a_b").IdInKey);
        Assert.False(Index(t, "c", "u").IdInKey);
        Assert.All(await EntriesAsync(t, Index(t, "c", "a_b").Tree), e => Assert.Empty(e.Value));
        Assert.All(await EntriesAsync(t, Index(t, "c", "tags").Tree), e => Assert.Empty(e.Value));
        Assert.All(await EntriesAsync(t, Index(t, "c", "u").Tree), e => Assert.NotEmpty(e.Value));

        await t.RestartAsync();
        c = t.Db.GetCollection("c");
        Assert.True(Index(t, "c", "a_b").IdInKey);
        Assert.Equal([1, 2], await FindViaAsync(c, "a_b", Doc(("a", 1))));
        Assert.Equal([1, 2], await FindViaAsync(c, "tags", Doc(("tags", "q"))));
        Assert.Empty((await c.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 2)), Update = Doc(("$set", Doc(("a", 2)))) }], cancellationToken: Ct)).WriteErrors);
        Assert.Equal([2, 3], await FindViaAsync(c, "a_b", Doc(("a", 2))));
        Assert.True((await c.ValidateAsync(Ct))["valid"].AsBoolean);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task An_index_in_format_1_from_an_older_file_keeps_working(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("c");
        await c.CreateIndexesAsync([new IndexModel { Keys = Doc(("a", 1)), Name = "a" }], cancellationToken: Ct);
        Assert.Empty((await c.InsertAsync([Doc(("_id", 1), ("a", 1)), Doc(("_id", 2), ("a", 1))], cancellationToken: Ct)).WriteErrors);

        // Turn the index into what an older binary wrote: no idInKey in the catalog, the _id key as every entry's value.
        await t.Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
        {
            var state = current["test.c"];
            var old = state.Indexes.Single(i => i.Name == "a");
            var indexes = state.Indexes.Replace(old, new IndexState(old.Spec, old.Tree, old.Kind, old.Multikey));
            var entries = new List<StorageEntry>();
            await foreach (var e in tx.ScanAsync(old.Tree, KeyRange.All, false, Ct)) entries.Add(e);
            foreach (var e in entries) await tx.PutAsync(old.Tree, e.Key, BsonKeyEncoder.GetIdSuffix(e.Key, [false]).ToArray(), Ct);
            var updated = state.With(indexes: indexes);
            await CatalogManager.WriteStateAsync(tx, updated, Ct);
            changes["test.c"] = updated;
            return 0;
        }, Ct);
        await t.RestartAsync();
        c = t.Db.GetCollection("c");

        Assert.False(Index(t, "c", "a").IdInKey);
        Assert.Empty((await c.InsertAsync([Doc(("_id", 3), ("a", 1))], cancellationToken: Ct)).WriteErrors);
        Assert.All(await EntriesAsync(t, Index(t, "c", "a").Tree), e => Assert.NotEmpty(e.Value));
        Assert.Equal([1, 2, 3], await FindViaAsync(c, "a", Doc(("a", 1))));
        Assert.True((await c.ValidateAsync(Ct))["valid"].AsBoolean);
    }
    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task A_catalog_record_naming_an_unknown_format_feature_is_refused_at_open_not_misread(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("c");
        await c.CreateIndexesAsync([new IndexModel { Keys = Doc(("a", 1)), Name = "a" }], cancellationToken: Ct);
        Assert.Empty((await c.InsertAsync([Doc(("_id", 1), ("a", 1))], cancellationToken: Ct)).WriteErrors);

        // What this build writes: the record names the format its new index uses.
        StorageEntry record = default!;
        await using (var tx = await t.Engine.Storage.BeginAsync(StorageTransactionMode.ReadOnly, Ct))
        {
            await foreach (var e in tx.ScanAsync(StorageLayout.CatalogTree, KeyRange.All, false, Ct))
                if (Outpost.Bson.Serialization.BsonSerializer.Deserialize(e.Value)["name"].AsString == "c") record = e;
        }
        var document = Outpost.Bson.Serialization.BsonSerializer.Deserialize(record.Value);
        Assert.Equal(Arr("indexIdInKey"), document["requires"]);

        // A newer build's record: a format feature this build has never heard of.
        document["requires"] = Arr("indexIdInKey", "fromTheFuture");
        await using (var tx = await t.Engine.Storage.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(StorageLayout.CatalogTree, record.Key, Outpost.Bson.Serialization.BsonSerializer.Serialize(document), Ct);
            await tx.CommitAsync(Ct);
        }
        var refused = await Assert.ThrowsAsync<StorageException>(() => t.RestartAsync());
        Assert.Contains("test.c", refused.Message);
        Assert.Contains("fromTheFuture", refused.Message);
    }
}
