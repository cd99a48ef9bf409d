using Outpost.Bson;
using Outpost.Bson.Serialization;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

/// <summary>
/// Collection.ReplaceByIdAsync (sync's bulk write of merged versions) must leave exactly what one replacement upsert
/// <c>{_id} → document</c> per document leaves: the same stored documents, index entries and change events.
/// </summary>
public sealed class ReplaceByIdTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<BsonDocument> Seed() => [Doc(("_id", 1), ("a", 1)), Doc(("_id", 2), ("a", 2)), Doc(("_id", 3), ("a", 3))];

    private static List<BsonDocument> Writes() =>
    [
        Doc(("_id", 1), ("a", 10), ("b", "new")), // changed
        Doc(("_id", 2), ("a", 2)),                // identical: no write, no event
        Doc(("a", 4), ("_id", 4)),                // absent: inserted, _id moved to the front
        Doc(("_id", 1), ("a", 11)),               // the same document again: the last one wins
    ];

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Stores_what_replacement_upserts_store_with_the_same_index_entries_and_change_events(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var bulk = t.Db.GetCollection("bulk");
        var upserts = t.Db.GetCollection("upserts");
        foreach (var c in new[] { bulk, upserts })
        {
            await c.InsertAsync(Seed(), cancellationToken: Ct);
            await c.CreateIndexesAsync([IndexModel.FromDocument(Doc(("key", Doc(("a", 1))), ("name", "a_1")))], cancellationToken: Ct);
        }
        long start = await t.Engine.Storage.GetLastLogPositionAsync(Ct);

        Assert.Equal(3, await bulk.ReplaceByIdAsync(Writes(), cancellationToken: Ct));
        long middle = await t.Engine.Storage.GetLastLogPositionAsync(Ct);
        var statements = Writes().Select(d => new UpdateStatement { Filter = Doc(("_id", d["_id"])), Update = d, Upsert = true }).ToList();
        var result = await upserts.UpdateAsync(statements, cancellationToken: Ct);
        Assert.False(result.HasErrors);

        Assert.Equal(await AllAsync(upserts, []), await AllAsync(bulk, []));
        // The secondary index follows the new values and forgets the old ones.
        Assert.Equal(await AllAsync(upserts, Doc(("a", 11))), await AllAsync(bulk, Doc(("a", 11))));
        Assert.Empty(await AllAsync(bulk, Doc(("a", 1))));
        Assert.Empty(await AllAsync(bulk, Doc(("a", 10))));
        var bulkEvents = await OpsAsync(t, start, middle);
        var upsertEvents = await OpsAsync(t, middle, long.MaxValue);
        Assert.Equal(["replace", "insert", "replace"], bulkEvents);
        Assert.Equal(upsertEvents, bulkEvents);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task A_unique_index_violation_fails_the_whole_call_and_writes_nothing(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("u");
        await c.InsertAsync(Seed(), cancellationToken: Ct);
        await c.CreateIndexesAsync([IndexModel.FromDocument(Doc(("key", Doc(("a", 1))), ("name", "a_1"), ("unique", true)))], cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<MongoException>(() => c.ReplaceByIdAsync([Doc(("_id", 1), ("a", 100)), Doc(("_id", 2), ("a", 3))], cancellationToken: Ct));
        Assert.Equal(ErrorCodes.DuplicateKey, error.Code);
        Assert.Equal(Seed().Select(d => BsonSerializer.Serialize(d)), (await AllAsync(c, [])).Select(d => BsonSerializer.Serialize(d)));
    }

    private static async Task<List<BsonDocument>> AllAsync(Collection c, BsonDocument filter)
    {
        await using var cursor = await c.FindAsync(new FindOptions { Filter = filter, Sort = Doc(("_id", 1)) }, cancellationToken: Ct);
        return await cursor.ToListAsync(Ct);
    }

    private static async Task<List<string>> OpsAsync(TestEngine t, long after, long through)
    {
        var ops = new List<string>();
        foreach (var entry in await t.Engine.Storage.ReadLogAsync(after, 1000, Ct))
        {
            if (entry.Position > through) break;
            var record = BsonSerializer.Deserialize(entry.Data);
            if (record.TryGetValue("id", out _)) ops.Add(record["op"].AsString);
        }
        return ops;
    }
}
