using Outpost.Bson;
using Outpost.Bson.Serialization;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

/// <summary>
/// Collection.InsertRawAsync (documents as encoded bytes, the wire's insert) must behave exactly like InsertAsync on
/// the decoded documents: same stored documents, same write errors at the same indexes, same _id handling.
/// </summary>
public sealed class RawInsertTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // { _id: 7, arr: [ "p", "q" ] } written with array keys "5" and "9": valid BSON the decoder renumbers.
    private static byte[] OddArrayKeys() => Convert.FromHexString(
        "2A000000" + "105F69640007000000" + "0461727200" + "17000000" + "023500020000007000" + "023900020000007100" + "00" + "00");

    private static List<ReadOnlyMemory<byte>> Encoded(IEnumerable<BsonDocument> documents) =>
        documents.Select(d => (ReadOnlyMemory<byte>)BsonSerializer.Serialize(d)).ToList();

    private static List<BsonDocument> Batch() =>
    [
        Doc(("_id", 1), ("a", 1)),
        Doc(("a", 2), ("s", "héllo")),                                   // no _id: an ObjectId goes in front
        Doc(("b", 3), ("_id", 3)),                                        // _id not first: moved to the front
        Doc(("_id", Arr(1))),                                             // 53 InvalidIdField
        Doc(("_id", Doc(("$x", 1)))),                                     // 52 DollarPrefixedFieldName
        Doc(("_id", 1)),                                                  // 11000 duplicate
        Doc(("_id", 4), ("r", new BsonRegularExpression("a", "ix")), ("n", Doc(("d", Arr(1, Doc(("e", BsonNull.Value))))))),
    ];

    private static void SameDocumentsIgnoringGeneratedIds(List<BsonDocument> expected, List<BsonDocument> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i].DeepClone().AsDocument;
            var a = actual[i].DeepClone().AsDocument;
            Assert.Equal("_id", a.GetElement(0).Name);
            if (e["_id"] is BsonObjectId) { Assert.IsType<BsonObjectId>(a["_id"]); e.Set("_id", 0); a.Set("_id", 0); }
            Assert.Equal(BsonSerializer.Serialize(e), BsonSerializer.Serialize(a));
        }
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Raw_and_DOM_inserts_store_the_same_documents_and_report_the_same_errors(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        foreach (var ordered in new[] { false, true })
        {
            var dom = t.Db.GetCollection($"dom{ordered}");
            var raw = t.Db.GetCollection($"raw{ordered}");
            var options = new InsertOptions { Ordered = ordered };
            var expected = await dom.InsertAsync(Batch(), options, cancellationToken: Ct);
            var actual = await raw.InsertRawAsync(Encoded(Batch()), options, cancellationToken: Ct);

            Assert.Equal(expected.N, actual.N);
            Assert.Equal(expected.WriteErrors.Select(e => (e.Index, e.Code, e.Message)), actual.WriteErrors.Select(e => (e.Index, e.Code, e.Message.Replace("test.raw", "test.dom", StringComparison.Ordinal))));
            Assert.Equal(expected.InsertedIds.Select(id => id.Type), actual.InsertedIds.Select(id => id.Type));
            SameDocumentsIgnoringGeneratedIds(await dom.FindAllAsync(sort: Doc(("a", 1), ("b", 1))), await raw.FindAllAsync(sort: Doc(("a", 1), ("b", 1))));
        }

        var unorderedErrors = (await t.Db.GetCollection("x").InsertRawAsync(Encoded(Batch()), new InsertOptions { Ordered = false }, cancellationToken: Ct)).WriteErrors;
        Assert.Equal([(3, 53), (4, 52), (5, 11000)], unorderedErrors.Select(e => (e.Index, e.Code)));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task A_generated_id_is_the_one_reported_and_stored_first(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        var result = await coll.InsertRawAsync(Encoded([Doc(("a", 1), ("b", "x"))]), cancellationToken: Ct);
        var id = Assert.IsType<BsonObjectId>(Assert.Single(result.InsertedIds));
        var stored = Assert.Single(await coll.FindAllAsync());
        Assert.Equal(Doc(("_id", id), ("a", 1), ("b", "x")), stored);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Bytes_the_encoder_would_renumber_are_stored_renumbered(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        Assert.Equal(1, (await coll.InsertRawAsync([OddArrayKeys()], cancellationToken: Ct)).N);
        var stored = Assert.Single(await coll.FindAllAsync());
        Assert.Equal(BsonSerializer.Serialize(Doc(("_id", 7), ("arr", Arr("p", "q")))), BsonSerializer.Serialize(stored));
        Assert.Single(await coll.FindAllAsync(Doc(("arr.1", "q"))));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Validators_and_secondary_indexes_apply_to_raw_documents(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await t.Db.CreateCollectionAsync("v", new CreateCollectionOptions { Validator = Doc(("x", Doc(("$exists", true)))) }, cancellationToken: Ct);
        var coll = t.Db.GetCollection("v");
        await coll.CreateIndexesAsync([new IndexModel { Keys = Doc(("x", 1)), Unique = true }], cancellationToken: Ct);

        var result = await coll.InsertRawAsync(Encoded([Doc(("_id", 1), ("x", 10)), Doc(("_id", 2)), Doc(("_id", 3), ("x", 10)), Doc(("_id", 4), ("x", 11))]),
            new InsertOptions { Ordered = false }, cancellationToken: Ct);
        Assert.Equal(2, result.N);
        Assert.Equal([(1, 121), (2, 11000)], result.WriteErrors.Select(e => (e.Index, e.Code)));
        Assert.Equal([4], (await coll.FindAllAsync(Doc(("x", 11)))).Select(d => d["_id"].AsInt32));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task A_malformed_document_throws_and_nothing_is_written(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        var bad = BsonSerializer.Serialize(Doc(("_id", 2), ("s", "abc")));
        bad[^3] = 0xFF; // inside the string: invalid UTF-8
        await Assert.ThrowsAsync<BsonFormatException>(() => coll.InsertRawAsync([BsonSerializer.Serialize(Doc(("_id", 1))), bad], cancellationToken: Ct));
        Assert.Empty(await coll.FindAllAsync());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task An_oversized_document_is_write_error_10334_as_on_the_DOM_path(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await t.Db.CreateCollectionAsync("v", new CreateCollectionOptions { Validator = Doc(("x", Doc(("$exists", true)))) }, cancellationToken: Ct);
        var big = Doc(("_id", 1), ("x", 1), ("blob", new BsonBinary(new byte[16 * 1024 * 1024])));
        foreach (var name in new[] { "plain", "v" })
        {
            var coll = t.Db.GetCollection(name);
            var dom = await coll.InsertAsync([big], cancellationToken: Ct);
            var raw = await coll.InsertRawAsync([BsonSerializer.Serialize(big)], cancellationToken: Ct);
            Assert.Equal(10334, Assert.Single(dom.WriteErrors).Code);
            Assert.Equal(dom.WriteErrors.Select(e => (e.Index, e.Code, e.Message)), raw.WriteErrors.Select(e => (e.Index, e.Code, e.Message)));
        }
    }
}
