using Outpost.Bson;
using Outpost.Engine.Client;

namespace Outpost.Engine.Tests.Client;

public sealed class TypedCollectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly OutpostDatabaseOptions CamelOptions = new() { Mapping = new BsonMapperOptions { CamelCaseElementNames = true, EnumsAsStrings = true } };

    private static Photo NewPhoto(int i) => new()
    {
        Title = "photo " + i,
        Size = i * 100,
        Views = i,
        Status = (PhotoStatus)(i % 3),
        IsPublic = i % 2 == 0,
        TakenAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i),
        Tags = i % 2 == 0 ? ["even"] : ["odd"],
        Location = new Address { City = i < 5 ? "Lyon" : "Oslo" },
    };

    [Fact]
    public async Task Insert_find_sort_skip_limit_and_stream()
    {
        await using var t = await TypedDatabase.StartAsync(CamelOptions);
        var photos = t.Db.GetCollection<Photo>("photos");
        var one = NewPhoto(0);
        await photos.InsertOneAsync(one, Ct);
        Assert.NotEqual(ObjectId.Empty, one.Id);
        await photos.InsertManyAsync(Enumerable.Range(1, 9).Select(NewPhoto), cancellationToken: Ct);

        Assert.Equal(10, await photos.CountDocumentsAsync(Filter<Photo>.Empty, Ct));
        var page = await photos.Find(p => p.Size >= 200).SortByDescending(p => p.Size).Skip(1).Limit(3).ToListAsync(Ct);
        Assert.Equal([800, 700, 600], page.Select(p => p.Size));
        Assert.Equal("Oslo", page[0].Location!.City);

        var first = await photos.Find(Filter<Photo>.Eq(p => p.Id, one.Id)).FirstOrDefaultAsync(Ct);
        Assert.Equal("photo 0", first!.Title);
        Assert.Null(await photos.Find(p => p.Title == "none").FirstOrDefaultAsync(Ct));

        var streamed = 0;
        await foreach (var p in photos.Where(p => p.Location!.City == "Lyon" && !p.IsPublic).BatchSize(2).WithCancellation(Ct)) streamed += p.Status == PhotoStatus.Approved || p.Status != PhotoStatus.Approved ? 1 : 0;
        Assert.Equal(2, streamed); // 1 and 3

        var raw = await t.Db.GetCollection("photos").Find(new BsonDocument("title", "photo 1")).FirstAsync(Ct);
        var rawDoc = new BsonDocument("title", "raw");
        await t.Db.GetCollection("photos").InsertOneAsync(rawDoc, Ct);
        Assert.Equal("_id", rawDoc.GetElement(0).Name); // the generated id is visible to the caller
        await t.Db.GetCollection("photos").DeleteOneAsync(new BsonDocument("_id", rawDoc["_id"]), Ct);
        Assert.Equal("Approved", raw["status"].AsString);
        Assert.Equal(2, await photos.Find(p => p.Tags.Contains("even") && p.Size > 500).CountDocumentsAsync(Ct));
    }

    [Fact]
    public async Task Update_replace_delete_and_find_one_and_update()
    {
        await using var t = await TypedDatabase.StartAsync();
        var photos = t.Db.GetCollection<Photo>("photos");
        await photos.InsertManyAsync(Enumerable.Range(0, 6).Select(NewPhoto), cancellationToken: Ct);

        var r1 = await photos.UpdateOneAsync(p => p.Size == 100, Update<Photo>.Set(p => p.Title, "renamed").Inc(p => p.Views, 10L).Push(p => p.Tags, "new"), cancellationToken: Ct);
        Assert.Equal(new UpdateResult(1, 1, null), r1);
        var updated = await photos.Find(p => p.Title == "renamed").FirstAsync(Ct);
        Assert.Equal(11, updated.Views);
        Assert.Equal(["odd", "new"], updated.Tags);

        var many = await photos.UpdateManyAsync(p => p.IsPublic, Update<Photo>.Set(p => p.Status, PhotoStatus.Rejected), cancellationToken: Ct);
        Assert.Equal(3, many.MatchedCount);
        Assert.Equal(4, await photos.CountDocumentsAsync(Filter<Photo>.Eq(p => p.Status, PhotoStatus.Rejected), Ct)); // 0, 2, 4 and 5 (already)

        var upsert = await photos.UpdateOneAsync(p => p.Title == "ghost", Update<Photo>.Set(p => p.Size, 1), new UpsertOptions { IsUpsert = true }, Ct);
        Assert.Equal(0, upsert.MatchedCount);
        Assert.NotNull(upsert.UpsertedId);

        updated.Title = "replaced";
        updated.Rating = 5;
        var replaced = await photos.ReplaceOneAsync(Filter<Photo>.Eq(p => p.Id, updated.Id), updated, cancellationToken: Ct);
        Assert.Equal(1, replaced.ModifiedCount);
        Assert.Equal(5, (await photos.Find(p => p.Id == updated.Id).FirstAsync(Ct)).Rating);

        var before = await photos.FindOneAndUpdateAsync(p => p.Size == 200, Update<Photo>.Inc(p => p.Size, 1), cancellationToken: Ct);
        Assert.Equal(200, before!.Size);
        var after = await photos.FindOneAndUpdateAsync(p => p.Size == 201, Update<Photo>.Inc(p => p.Size, 1), new FindOneAndUpdateOptions<Photo> { ReturnDocument = ReturnDocument.After }, Ct);
        Assert.Equal(202, after!.Size);

        Assert.Equal(1, (await photos.DeleteOneAsync(p => p.IsPublic, Ct)).DeletedCount);
        Assert.Equal(2, (await photos.DeleteManyAsync(p => p.IsPublic, Ct)).DeletedCount);
        Assert.Equal(4, await photos.CountDocumentsAsync(Filter<Photo>.Empty, Ct));
    }

    [Fact]
    public async Task Duplicate_key_throws_MongoException_11000_and_records_with_string_and_Guid_ids_work()
    {
        await using var t = await TypedDatabase.StartAsync();
        var people = t.Db.GetCollection<Person>("people");
        await people.InsertOneAsync(new Person("p1", "Ada", 36, PhotoStatus.Approved, ["a"]), Ct);
        var e = await Assert.ThrowsAsync<MongoException>(() => people.InsertOneAsync(new Person("p1", "Dup", 1, PhotoStatus.Pending, []), Ct));
        Assert.Equal(11000, e.Code);
        var ada = await people.Find(p => p.Id == "p1").FirstAsync(Ct);
        Assert.Equal("Ada", ada.Name);

        var counters = t.Db.GetCollection<Counter>("counters");
        var id = Guid.NewGuid();
        await counters.InsertOneAsync(new Counter(id, 1), Ct);
        await counters.UpdateOneAsync(c => c.Id == id, Update<Counter>.Inc(c => c.Value, 41L), cancellationToken: Ct);
        Assert.Equal(42, (await counters.Find(c => c.Id == id).FirstAsync(Ct)).Value);

        var keyed = t.Db.GetCollection<Keyed>("keyed");
        await keyed.InsertManyAsync([new Keyed { Number = 1, Label = "one" }, new Keyed { Number = 2, Label = "two" }], cancellationToken: Ct);
        Assert.Equal("two", (await keyed.Find(k => k.Number == 2).FirstAsync(Ct)).Label);
    }

    [Fact]
    public async Task Aggregate_maps_typed_results_and_indexes_are_used()
    {
        await using var t = await TypedDatabase.StartAsync(CamelOptions);
        var photos = t.Db.GetCollection<Photo>("photos");
        await photos.InsertManyAsync(Enumerable.Range(0, 10).Select(NewPhoto), cancellationToken: Ct);

        var stats = await photos.AggregateAsync<CityStats>(
        [
            BsonDocument.Parse("{ $group: { _id: '$location.city', count: { $sum: 1 }, totalSize: { $sum: '$size' } } }"),
            BsonDocument.Parse("{ $sort: { _id: 1 } }"),
        ], Ct);
        Assert.Equal([new CityStats("Lyon", 5, 1000), new CityStats("Oslo", 5, 3500)], stats);

        var name = await photos.Indexes.CreateOneAsync(IndexKeys<Photo>.Ascending(p => p.Status).Descending(p => p.TakenAt), cancellationToken: Ct);
        Assert.Equal("status_1_takenAt_-1", name);
        await photos.Indexes.CreateOneAsync(IndexKeys<Photo>.Ascending(p => p.Title), new CreateIndexOptions { Unique = true }, Ct);
        var indexes = await photos.Indexes.ListAsync(Ct);
        Assert.Equal(["_id_", "status_1_takenAt_-1", "title_1"], indexes.Select(i => i["name"].AsString));
        Assert.True(indexes[2]["unique"].AsBoolean);

        var explain = await photos.Inner.ExplainFindAsync(new FindOptions { Filter = Filter<Photo>.Eq(p => p.Status, PhotoStatus.Approved).Render(photos.Mapper) }, cancellationToken: Ct);
        Assert.Contains("status_1_takenAt_-1", explain.ToJson());
        Assert.Equal(3, await photos.CountDocumentsAsync(Filter<Photo>.Eq(p => p.Status, PhotoStatus.Approved), Ct));
    }

    [Fact]
    public async Task Watch_yields_typed_change_events()
    {
        await using var t = await TypedDatabase.StartAsync();
        var photos = t.Db.GetCollection<Photo>("photos");
        await using var stream = await photos.WatchAsync(new WatchOptions { FullDocument = "updateLookup", MaxAwaitTime = TimeSpan.FromMilliseconds(200) }, Ct);
        var photo = NewPhoto(1);
        await photos.InsertOneAsync(photo, Ct);
        await photos.UpdateOneAsync(p => p.Id == photo.Id, Update<Photo>.Set(p => p.Title, "changed"), cancellationToken: Ct);
        await photos.DeleteOneAsync(p => p.Id == photo.Id, Ct);

        var events = new List<ChangeEvent<Photo>>();
        await foreach (var change in stream.WithCancellation(Ct))
        {
            events.Add(change);
            if (events.Count == 3) break;
        }

        Assert.Equal(["insert", "update", "delete"], events.Select(e => e.OperationType));
        Assert.Equal("photo 1", events[0].FullDocument!.Title);
        Assert.Equal(photo.Id, events[1].DocumentKey!["_id"].AsObjectId);
        Assert.Equal("changed", events[1].UpdateDescription!["updatedFields"].AsDocument["Title"].AsString);
        Assert.Equal(events[2].ResumeToken, stream.ResumeToken);
    }

    [Fact]
    public async Task WithTransaction_commits_atomically_and_aborts_on_error()
    {
        await using var t = await TypedDatabase.StartAsync();
        var accounts = t.Db.GetCollection<Counter>("accounts");
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        await accounts.InsertManyAsync([new Counter(a, 100), new Counter(b, 0)], cancellationToken: Ct);

        await using var session = await t.Db.StartSessionAsync(Ct);
        await session.WithTransactionAsync(async (s, ct) =>
        {
            await accounts.UpdateOneAsync(s, Filter<Counter>.Eq(c => c.Id, a), Update<Counter>.Inc(c => c.Value, -30L), cancellationToken: ct);
            await accounts.UpdateOneAsync(s, Filter<Counter>.Eq(c => c.Id, b), Update<Counter>.Inc(c => c.Value, 30L), cancellationToken: ct);
            // read-your-own-writes inside, invisible outside until commit
            Assert.Equal(30, (await accounts.Find(s, Filter<Counter>.Eq(c => c.Id, b)).FirstAsync(ct)).Value);
            Assert.Equal(0, (await accounts.Find(c => c.Id == b).FirstAsync(ct)).Value);
        }, Ct);
        Assert.Equal(70, (await accounts.Find(c => c.Id == a).FirstAsync(Ct)).Value);
        Assert.Equal(30, (await accounts.Find(c => c.Id == b).FirstAsync(Ct)).Value);

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.WithTransactionAsync(async (s, ct) =>
        {
            await accounts.InsertOneAsync(s, new Counter(Guid.NewGuid(), 1), ct);
            throw new InvalidOperationException("boom");
        }, Ct));
        Assert.Equal(2, await accounts.CountDocumentsAsync(Filter<Counter>.Empty, Ct));
        Assert.False(session.IsInTransaction);
    }

    [Fact]
    public async Task Open_sync_convenience_and_data_survive_restart()
    {
        await using var t = await TypedDatabase.StartAsync();
        await t.Db.GetCollection<Keyed>("k").InsertOneAsync(new Keyed { Number = 7, Label = "seven" }, Ct);
        await t.RestartAsync();
        Assert.Equal("seven", (await t.Db.GetCollection<Keyed>("k").Find(k => k.Number == 7).FirstAsync(Ct)).Label);
        Assert.Contains("k", await t.Db.ListCollectionNamesAsync(Ct));
    }

    public sealed record CityStats([property: BsonId] string City, int Count, long TotalSize);
}
