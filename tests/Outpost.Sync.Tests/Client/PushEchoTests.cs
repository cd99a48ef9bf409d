using Outpost.Bson;
using Outpost.Client;
using Outpost.Engine;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;
using Outpost.Sync.Tests.Simulation;

namespace Outpost.Sync.Tests.Client;

/// <summary>
/// A push reply carries the versions it wrote, and a pull can leave that push's change-log entries out: the device
/// must still end with exactly the server's versions, including changes of other devices merged into its own.
/// </summary>
public sealed class PushEchoTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_push_reply_carries_the_merged_versions_and_a_pull_naming_its_echo_leaves_its_entries_out()
    {
        await using var server = await SyncTestServer.StartAsync();
        var principal = new SyncPrincipal("t", new Dictionary<string, BsonValue> { ["departmentId"] = "PAINT" });
        var clock = new HybridLogicalClock("dev-1");
        var ops = new List<DocumentOperation>
        {
            new("dev-1", 1, "photos", "e1", false, [FieldChange.Set("", new BsonDocument { { "_id", "e1" }, { "departmentId", "PAINT" }, { "n", 1 } })], clock.Stamp()),
            new("dev-1", 2, "photos", "e2", false, [FieldChange.Set("", new BsonDocument { { "_id", "e2" }, { "departmentId", "QA" } })], clock.Stamp()), // forbidden
        };
        long before = await server.Engine.Storage.GetLastLogPositionAsync(Ct);
        var reply = await server.Service.PushAsync(principal, new PushRequest("dev-1", ops), Ct);
        Assert.Equal(2, reply.Acked);
        Assert.Equal(1, reply.EchoSeq);
        Assert.Equal(await server.Engine.Storage.GetLastLogPositionAsync(Ct), reply.Position);
        var version = Assert.Single(reply.Versions!);
        Assert.Equal("e1", version.Id.AsString);
        Assert.Equal(1, version.Document!["n"].ToInt64());

        var subs = new List<SyncSubscription> { new("photos", "photos") };
        var all = await server.Service.PullAsync(principal, new PullRequest(subs, before), Ct);
        var echoed = Assert.Single(all.Changes);
        Assert.Equal(version.Document.ToString(), echoed.Document!.ToString());
        Assert.Equal(version.Metadata!.ToString(), echoed.Metadata!.ToString());
        var skipped = await server.Service.PullAsync(principal, new PullRequest(subs, before, ClientId: "dev-1", Echoes: [1]), Ct);
        Assert.Empty(skipped.Changes);
        Assert.Equal(all.To, skipped.To);
        // Another client naming the same sequence gets everything: echoes are per client id.
        var other = await server.Service.PullAsync(principal, new PullRequest(subs, before, ClientId: "dev-2", Echoes: [1]), Ct);
        Assert.Single(other.Changes);
    }

    [Fact]
    public async Task A_pull_reads_past_a_long_run_of_echo_entries_in_one_batch_and_stops_at_the_first_change()
    {
        await using var server = await SyncTestServer.StartAsync();
        var principal = new SyncPrincipal("t", new Dictionary<string, BsonValue> { ["departmentId"] = "PAINT" });
        var clock = new HybridLogicalClock("dev-1");
        var ops = new List<DocumentOperation>();
        for (int i = 1; i <= 10; i++)
            ops.Add(new("dev-1", i, "photos", $"e{i}", false, [FieldChange.Set("", new BsonDocument { { "_id", $"e{i}" }, { "departmentId", "PAINT" } })], clock.Stamp()));
        long before = await server.Engine.Storage.GetLastLogPositionAsync(Ct);
        var reply = await server.Service.PushAsync(principal, new PushRequest("dev-1", ops), Ct);
        Assert.Equal(1, reply.EchoSeq);
        long afterPush = await server.Engine.Storage.GetLastLogPositionAsync(Ct);
        Assert.True(afterPush - before > 20); // documents, their metadata and the client record

        var subs = new List<SyncSubscription> { new("photos", "photos") };
        // Without echoes: batches of 2 entries, as asked.
        var plain = await server.Service.PullAsync(principal, new PullRequest(subs, before, 2), Ct);
        Assert.True(plain.More);
        Assert.Equal(before + 2, plain.To);
        // With the echo named: everything read is left out, so the pull reads on to the end of the push in one batch.
        var skipped = await server.Service.PullAsync(principal, new PullRequest(subs, before, 2, "dev-1", [1]), Ct);
        Assert.Empty(skipped.Changes);
        Assert.Equal(afterPush, skipped.To);
        Assert.False(skipped.More);

        // A change of another device after the echoes ends the batch that reaches it.
        await server.Service.PushAsync(principal, new PushRequest("dev-2", [new("dev-2", 1, "photos", "other", false, [FieldChange.Set("", new BsonDocument { { "_id", "other" }, { "departmentId", "PAINT" } })], new HybridLogicalClock("dev-2").Stamp())]), Ct);
        var next = await server.Service.PullAsync(principal, new PullRequest(subs, before, 2, "dev-1", [1]), Ct);
        Assert.Equal("other", Assert.Single(next.Changes).Id.AsString);
        Assert.True(next.To > afterPush);
    }

    [Fact]
    public async Task An_older_entry_pulled_after_the_push_reply_does_not_take_back_the_merged_version()
    {
        // B's edit reaches the server first (entry f); A's edit of another field is merged on top of it (entry e > f).
        // A holds the merged version from its push reply and skips its echo, so the pull must not let f (B's version,
        // without A's field) replace it.
        await using var server = await SyncTestServer.StartAsync();
        await using var a = await OpenAsync(server, "dev-a");
        await using var b = await OpenAsync(server, "dev-b");
        await a.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "m" }, { "departmentId", "PAINT" }, { "x", 0 }, { "y", 0 } }, Ct);
        await a.SyncNowAsync(Ct);
        await b.SyncNowAsync(Ct);

        await b.Collection("photos").UpdateAsync(new BsonDocument("_id", "m"), new BsonDocument("$set", new BsonDocument("x", 1)), cancellationToken: Ct);
        await b.SyncNowAsync(Ct);
        await a.Collection("photos").UpdateAsync(new BsonDocument("_id", "m"), new BsonDocument("$set", new BsonDocument("y", 2)), cancellationToken: Ct);
        await a.SyncNowAsync(Ct);

        var local = await a.Collection("photos").FindByIdAsync("m", Ct);
        Assert.Equal(1, local!["x"].ToInt64());
        Assert.Equal(2, local["y"].ToInt64());
        Assert.True(await a.VerifyAsync(Ct)); // server copies equal the server's, byte for byte
        await b.SyncNowAsync(Ct);
        Assert.Equal(2, (await b.Collection("photos").FindByIdAsync("m", Ct))!["y"].ToInt64());
        Assert.True(await b.VerifyAsync(Ct));
    }

    private static Task<OutpostClient> OpenAsync(SyncTestServer server, string clientId) =>
        OutpostClient.OpenAsync(new ClientOptions
        {
            DatabasePath = server.DevicePath(clientId), Transport = new NetworkSimulator(server.Service, 3), ClientId = clientId,
            TokenProvider = _ => ValueTask.FromResult<string?>(SyncTestServer.Token("t", "PAINT")), Subscriptions = [new SyncSubscription("photos", "photos")],
            PullBatchSize = 1,
        }, Ct);
}
