using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using Outpost.Bson;
using Outpost.Client;
using Outpost.Client.Policies;
using Outpost.Sync.Protocol;
using Outpost.Sync.Server;
using Outpost.Sync.Tests.Simulation;

namespace Outpost.Sync.Tests.EndToEnd;

/// <summary>Kestrel on a loopback ephemeral port, two devices over real HTTP and WebSocket.</summary>
public sealed class LiveSyncOverHttpTests
{
    /// <summary>Polls rarely, so only the live socket can deliver within the test's deadline.</summary>
    private sealed class LiveOnlyPolicy : ISyncPolicy
    {
        public bool ShouldRun(SyncPriority priority, NetworkCondition condition) => condition != NetworkCondition.Offline;
        public bool UseLive(NetworkCondition condition) => condition != NetworkCondition.Offline;
        public TimeSpan Interval(NetworkCondition condition) => TimeSpan.FromMinutes(10);
    }

    [Fact]
    public async Task A_write_on_device_A_reaches_device_B_live()
    {
        await using var server = await SyncTestServer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddSingleton(server.Service);
        await using var app = builder.Build();
        app.MapOutpostSync();
        await app.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var token = SyncTestServer.Token("plant", "PAINT");
        ClientOptions Options(string name) => new()
        {
            DatabasePath = server.DevicePath(name), ServerUri = address, ClientId = name, TokenProvider = _ => ValueTask.FromResult<string?>(token),
            Subscriptions = [new SyncSubscription("photos", "photos")], Policy = new LiveOnlyPolicy(), StartSync = true,
        };
        await using var deviceA = await OutpostClient.OpenAsync(Options("device-a"), cancellationToken: TestContext.Current.CancellationToken);
        await using var deviceB = await OutpostClient.OpenAsync(Options("device-b"), cancellationToken: TestContext.Current.CancellationToken);
        await WaitAsync(() => deviceA.Checkpoint is not null && deviceB.Checkpoint is not null);
        await Task.Delay(300, cancellationToken: TestContext.Current.CancellationToken); // let both live sockets connect

        var arrived = deviceB.Collection("photos")
            .Observe(new BsonDocument("_id", "photo-1"))
            .Where(list => list.Count == 1)
            .FirstAsync()
            .ToTask(TestContext.Current.CancellationToken);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await deviceA.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "photo-1" }, { "departmentId", "PAINT" }, { "title", "door" } }, TestContext.Current.CancellationToken);
        var seen = await arrived.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"A → B in {started.ElapsedMilliseconds} ms (push, merge, change log, WebSocket, local apply)");
        Assert.Equal("door", seen[0]["title"].AsString);
        await WaitAsync(async () => await deviceA.CountPendingAsync() == 0);
        Assert.Equal(SyncStatus.Synced, await deviceA.Collection("photos").GetSyncStatusAsync("photo-1", TestContext.Current.CancellationToken));
        await app.StopAsync(cancellationToken: TestContext.Current.CancellationToken);
    }

    private static async Task WaitAsync(Func<bool> condition) => await WaitAsync(() => Task.FromResult(condition()));

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(20);
        }
    }
}
