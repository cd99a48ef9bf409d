using Outpost.Bson;
using Outpost.Client;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;
using Outpost.Sync.Protocol;
using Outpost.Sync.Tests.Simulation;

namespace Outpost.Sync.Tests.Server;

/// <summary>A PAINT client can neither read nor write QA documents through sync, whatever it sends.</summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private SyncTestServer _server = null!;
    private readonly string _paint = SyncTestServer.Token("tablet-paint", "PAINT");
    private static readonly SyncSubscription Photos = new("photos", "photos");

    public async ValueTask InitializeAsync()
    {
        _server = await SyncTestServer.StartAsync();
        await _server.Photos.InsertAsync([
            new BsonDocument { { "_id", "p1" }, { "departmentId", "PAINT" }, { "title", "door" } },
            new BsonDocument { { "_id", "p2" }, { "departmentId", "PAINT" }, { "title", "hood" } },
            new BsonDocument { { "_id", "q1" }, { "departmentId", "QA" }, { "title", "secret weld" } },
            new BsonDocument { { "_id", "q2" }, { "departmentId", "QA" }, { "title", "secret seam" } },
        ]);
        // Loaded by another path: stamp them now so later pushes are newer than the loaded versions.
        await _server.Service.StampForeignWritesAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private Task<BsonDocument> Call(string endpoint, BsonDocument body, string? token = null) =>
        _server.Service.HandleAsync(endpoint, body, token ?? _paint, CancellationToken.None);

    private static List<string> Ids(IEnumerable<SyncChange> changes) => changes.Where(c => !c.Removed).Select(c => c.Id.AsString).Order().ToList();

    [Fact]
    public async Task Snapshot_and_pull_return_only_the_departments_documents()
    {
        var snapshot = SnapshotResponse.FromBson(await Call(SyncProtocol.Snapshot, new SnapshotRequest(Photos).ToBson()));
        Assert.Equal(["p1", "p2"], Ids(snapshot.Documents));
        var pull = ChangeBatch.FromBson(await Call(SyncProtocol.Pull, new PullRequest([Photos], 0).ToBson()));
        Assert.Equal(["p1", "p2"], Ids(pull.Changes));
        Assert.DoesNotContain(pull.Changes, c => c.Id.AsString.StartsWith('q'));
    }

    [Theory]
    [InlineData("{ \"$or\": [ { \"departmentId\": \"QA\" }, { \"_id\": { \"$exists\": true } } ] }")]
    [InlineData("{ \"departmentId\": \"QA\" }")]
    [InlineData("{ \"$nor\": [ { \"departmentId\": \"PAINT\" } ] }")]
    public async Task Crafted_subscription_filters_cannot_widen_the_rule(string filter)
    {
        var sub = new SyncSubscription("evil", "photos", Bson.Json.BsonJson.Parse(filter));
        var snapshot = SnapshotResponse.FromBson(await Call(SyncProtocol.Snapshot, new SnapshotRequest(sub).ToBson()));
        Assert.All(snapshot.Documents, d => Assert.Equal("PAINT", d.Document!["departmentId"].AsString));
        var pull = ChangeBatch.FromBson(await Call(SyncProtocol.Pull, new PullRequest([sub], 0).ToBson()));
        Assert.All(pull.Changes, d => Assert.Equal("PAINT", d.Document!["departmentId"].AsString));
        var checksum = ChecksumResponse.FromBson(await Call(SyncProtocol.Checksum, new ChecksumRequest([sub]).ToBson()));
        Assert.True(checksum.Checksums[0].Count <= 2);
    }

    [Fact]
    public async Task Server_side_code_and_unsynced_collections_are_refused()
    {
        var where = new SyncSubscription("js", "photos", new BsonDocument("$where", "true"));
        Assert.Equal(0, (await Call(SyncProtocol.Pull, new PullRequest([where], 0).ToBson()))["ok"].ToDouble());
        var users = new SyncSubscription("users", "__sync_clients");
        var reply = await Call(SyncProtocol.Pull, new PullRequest([users], 0).ToBson());
        Assert.Equal(403, reply["status"].ToInt64());
    }

    [Fact]
    public async Task Missing_or_forged_tokens_are_unauthorized_and_a_token_without_the_claim_sees_nothing()
    {
        Assert.Equal(401, (await Call(SyncProtocol.Pull, new PullRequest([Photos], 0).ToBson(), token: "not-a-jwt"))["status"].ToInt64());
        var otherKey = Outpost.Sync.Rules.JwtSyncAuthenticator.CreateToken("another-key-another-key-another-key!!"u8.ToArray(), "x", new Dictionary<string, object> { ["departmentId"] = "QA" }, TimeSpan.FromHours(1));
        Assert.Equal(401, (await Call(SyncProtocol.Pull, new PullRequest([Photos], 0).ToBson(), token: otherKey))["status"].ToInt64());
        var noClaim = SyncTestServer.Token("tablet-x", department: null);
        var pull = ChangeBatch.FromBson(await Call(SyncProtocol.Pull, new PullRequest([Photos], 0).ToBson(), token: noClaim));
        Assert.Empty(pull.Changes);
    }

    private static DocumentOperation Op(long seq, string id, bool delete = false, params FieldChange[] changes) =>
        new("tablet-1", seq, "photos", id, delete, changes, new FieldStamp(new HlcTimestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 5, 0), "tablet-1"));

    [Fact]
    public async Task Pushes_touching_QA_documents_are_rejected_and_change_nothing()
    {
        var before = await AllAsync();
        var ops = new List<DocumentOperation>
        {
            Op(1, "q1", false, FieldChange.Set("title", "defaced")),                                   // another department's id
            Op(2, "q2", delete: true),                                                                   // delete theirs
            Op(3, "new-qa", false, FieldChange.Set("", new BsonDocument { { "departmentId", "QA" }, { "title", "planted" } })), // forged department on insert
            Op(4, "p1", false, FieldChange.Set("departmentId", "QA")),                                   // move ours into QA
            Op(5, "q1", false, FieldChange.Set("", new BsonDocument { { "departmentId", "PAINT" } })),   // take theirs over
            Op(6, "p2", false, FieldChange.Set("title", "ok")),                                          // a legitimate write still works
        };
        var reply = PushResponse.FromBson(await Call(SyncProtocol.Push, new PushRequest("tablet-1", ops).ToBson()));
        Assert.Equal(6, reply.Acked);
        Assert.Equal([OperationStatus.Rejected, OperationStatus.Rejected, OperationStatus.Rejected, OperationStatus.Rejected, OperationStatus.Rejected, OperationStatus.Applied],
            reply.Results.Select(r => r.Status).ToList());
        Assert.All(reply.Results.Take(5), r => Assert.Equal("forbidden", r.Reason));
        var after = await AllAsync();
        Assert.Equal(before.Where(d => d["_id"].AsString != "p2").Select(d => d.ToString()), after.Where(d => d["_id"].AsString != "p2").Select(d => d.ToString()));
        Assert.Equal("ok", after.Single(d => d["_id"].AsString == "p2")["title"].AsString);
    }

    [Fact]
    public async Task Stamps_of_other_nodes_and_client_ids_of_other_subjects_are_refused()
    {
        var forgedStamp = new DocumentOperation("tablet-1", 1, "photos", "p1", false, [FieldChange.Set("title", "x")],
            new FieldStamp(new HlcTimestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0), "server"));
        var reply = PushResponse.FromBson(await Call(SyncProtocol.Push, new PushRequest("tablet-1", [forgedStamp]).ToBson()));
        Assert.Equal(OperationStatus.Rejected, reply.Results[0].Status);
        var other = SyncTestServer.Token("tablet-qa", "QA");
        var hijack = await Call(SyncProtocol.Push, new PushRequest("tablet-1", [Op(2, "q1", false, FieldChange.Set("title", "y"))]).ToBson(), other);
        Assert.Equal(403, hijack["status"].ToInt64());
    }

    [Fact]
    public async Task A_document_moved_out_of_the_department_reaches_the_client_as_a_removal()
    {
        var position = await _server.Engine.Storage.GetLastLogPositionAsync(cancellationToken: TestContext.Current.CancellationToken);
        await _server.Photos.UpdateAsync([new Outpost.Engine.UpdateStatement { Filter = new BsonDocument("_id", "p1"), Update = new BsonDocument("$set", new BsonDocument("departmentId", "QA")) }], cancellationToken: TestContext.Current.CancellationToken);
        var pull = ChangeBatch.FromBson(await Call(SyncProtocol.Pull, new PullRequest([Photos], position).ToBson()));
        var change = Assert.Single(pull.Changes);
        Assert.True(change.Removed);
        Assert.Null(change.Document);
    }

    [Fact]
    public async Task A_PAINT_device_holds_only_PAINT_documents_and_its_forged_writes_fail()
    {
        var network = new NetworkSimulator(_server.Service, 1);
        await using var device = await OutpostClient.OpenAsync(new ClientOptions
        {
            DatabasePath = _server.DevicePath("paint"), Transport = network, ClientId = "paint-1",
            TokenProvider = _ => ValueTask.FromResult<string?>(_paint), Subscriptions = [Photos],
        }, cancellationToken: TestContext.Current.CancellationToken);
        await device.SyncNowAsync(cancellationToken: TestContext.Current.CancellationToken);
        var photos = device.Collection("photos");
        Assert.Equal(["p1", "p2"], (await photos.FindAsync(cancellationToken: TestContext.Current.CancellationToken)).Select(d => d["_id"].AsString).ToList());
        await photos.InsertOneAsync(new BsonDocument { { "_id", "planted" }, { "departmentId", "QA" } }, cancellationToken: TestContext.Current.CancellationToken);
        await photos.UpdateAsync(new BsonDocument("_id", "p2"), new BsonDocument("$set", new BsonDocument("departmentId", "QA")), cancellationToken: TestContext.Current.CancellationToken);
        await device.SyncNowAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.DoesNotContain(await AllAsync(), d => d["_id"].AsString == "planted");
        Assert.Equal("PAINT", (await AllAsync()).Single(d => d["_id"].AsString == "p2")["departmentId"].AsString);
        Assert.Equal(SyncStatus.Failed, await photos.GetSyncStatusAsync("p2", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("PAINT", (await photos.FindByIdAsync("p2", cancellationToken: TestContext.Current.CancellationToken))!["departmentId"].AsString);
        Assert.Null(await photos.FindByIdAsync("planted", cancellationToken: TestContext.Current.CancellationToken));
        var log = await device.GetConflictsAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, log.Count(e => e.RejectionReason == "forbidden"));
        Assert.True(await device.VerifyAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    private async Task<List<BsonDocument>> AllAsync()
    {
        await using var cursor = await _server.Photos.FindAsync(new Engine.FindOptions { Sort = new BsonDocument("_id", 1) });
        return await cursor.ToListAsync();
    }
}
