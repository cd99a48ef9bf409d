using Outpost.Bson;
using Outpost.Engine.Client;
using Outpost.Engine.Tests.Client;

namespace Outpost.Engine.Tests.ChangeStreams;

/// <summary>
/// The seed's MongoChangeStreamManager pattern: watch photos with updateLookup and a $match, persist each event's resume
/// token in <c>resume_tokens</c> (updateOne upsert on { collection }), stop, restart the engine, write while nobody
/// watches, then resume from the stored token: every event arrives exactly once, in order.
/// </summary>
public sealed class ResumeAfterRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The seed's pipeline keeps insert/update/delete with fullDocument.departmentId; delete events carry no fullDocument,
    // so the seed's filter would silently drop them — we keep deletes explicitly to prove they are not lost either.
    private static readonly BsonDocument[] Pipeline =
    [
        BsonDocument.Parse("""
            { $match: { operationType: { $in: ['insert', 'update', 'delete'] },
                        $or: [ { 'fullDocument.departmentId': { $exists: true } }, { operationType: 'delete' } ] } }
            """),
    ];

    [Fact]
    public async Task Resuming_from_a_persisted_token_after_restart_neither_misses_nor_repeats_events()
    {
        await using var t = await TypedDatabase.StartAsync();
        var processed = new List<string>();

        // Phase 1: the manager watches and processes the first four of six matching events, persisting tokens.
        var photos = t.Db.GetCollection("photos");
        await using (var stream = await OpenAsync(t.Db, resumeAfter: null))
        {
            for (var i = 1; i <= 5; i++) await photos.InsertOneAsync(Photo(i), Ct);
            await photos.InsertOneAsync(new BsonDocument { { "_id", "x1" }, { "title", "no department" } }, Ct); // filtered out
            await photos.UpdateOneAsync(new BsonDocument("_id", "p1"), new BsonDocument("$set", new BsonDocument("v", 1)), cancellationToken: Ct);
            await ProcessAsync(t.Db, stream, processed, 4);
        }

        Assert.Equal(["insert p1", "insert p2", "insert p3", "insert p4"], processed);

        // Phase 2: the service restarts; writes happen while no stream is open.
        await t.RestartAsync();
        photos = t.Db.GetCollection("photos");
        await photos.UpdateOneAsync(new BsonDocument("_id", "p2"), new BsonDocument("$set", new BsonDocument("v", 1)), cancellationToken: Ct);
        await photos.DeleteOneAsync(new BsonDocument("_id", "p3"), Ct);
        await photos.InsertOneAsync(Photo(6), Ct);

        // Phase 3: resume from the stored token; a write made after resuming arrives too.
        var stored = await t.Db.GetCollection("resume_tokens").Find(new BsonDocument("collection", "photos")).FirstAsync(Ct);
        await using (var stream = await OpenAsync(t.Db, stored["token"].AsDocument))
        {
            await ProcessAsync(t.Db, stream, processed, 5);
            await photos.InsertOneAsync(Photo(7), Ct);
            await ProcessAsync(t.Db, stream, processed, 1);
            Assert.Empty(await stream.NextBatchAsync(Ct)); // nothing repeated or left over
        }

        Assert.Equal(
            ["insert p1", "insert p2", "insert p3", "insert p4", "insert p5", "update p1 v=1", "update p2 v=1", "delete p3", "insert p6", "insert p7"],
            processed);
        var tokens = await t.Db.GetCollection("resume_tokens").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct);
        Assert.Single(tokens); // one upserted token document per watched collection
    }

    private static BsonDocument Photo(int i) => new() { { "_id", "p" + i }, { "departmentId", "d" + (i % 2) }, { "v", 0 } };

    private static Task<OutpostChangeStream<BsonDocument>> OpenAsync(OutpostDatabase db, BsonDocument? resumeAfter) =>
        db.GetCollection("photos").WatchAsync(new WatchOptions
        {
            Pipeline = Pipeline,
            FullDocument = "updateLookup",
            BatchSize = 10,
            MaxAwaitTime = TimeSpan.FromMilliseconds(300),
            ResumeAfter = resumeAfter,
        }, Ct);

    /// <summary>Handles exactly <paramref name="count"/> events, persisting each token after handling it (as the seed does).</summary>
    private static async Task ProcessAsync(OutpostDatabase db, OutpostChangeStream<BsonDocument> stream, List<string> processed, int count)
    {
        var tokens = db.GetCollection("resume_tokens");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await foreach (var change in stream.WithCancellation(Ct))
        {
            var id = change.DocumentKey!["_id"].AsString;
            processed.Add(change.OperationType switch
            {
                "update" => $"update {id} v={change.UpdateDescription!["updatedFields"].AsDocument["v"]}",
                _ => $"{change.OperationType} {id}",
            });
            await tokens.UpdateOneAsync(
                new BsonDocument("collection", "photos"),
                new BsonDocument("$set", new BsonDocument { { "collection", "photos" }, { "token", change.ResumeToken }, { "updatedAt", DateTime.UtcNow } }),
                new UpsertOptions { IsUpsert = true }, Ct);
            if (--count == 0) return;
            Assert.True(DateTime.UtcNow < deadline, "events did not arrive");
        }
    }
}
