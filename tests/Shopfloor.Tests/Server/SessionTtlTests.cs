using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Domain;
using Shopfloor.Security;
using Shopfloor.Server;

namespace Shopfloor.Tests.Server;

/// <summary>
/// Expired device sessions leave through the engine's own TTL sweeper (the <c>expiresAt</c> TTL index the module
/// creates), not a Shopfloor job: a real engine with a short sweep interval, sessions issued by the real sign-in.
/// </summary>
public sealed class SessionTtlTests
{
    [Fact]
    public async Task The_engines_ttl_sweeper_removes_expired_sessions_and_keeps_live_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(Path.GetTempPath(), "shopfloor-ttl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var engine = await OutpostEngine.OpenAsync(new EngineOptions
            {
                SqlitePath = Path.Combine(directory, "shopfloor.db"),
                TtlMonitorInterval = TimeSpan.FromMilliseconds(200),
            }, ct);
            // Sessions are stamped with the module's clock; the sweeper compares with the wall clock. Sign in 25 h
            // ago (the 24 h session has expired an hour ago) and now (valid for another 24 h).
            var clock = new ManualTimeProvider(DateTimeOffset.UtcNow.AddHours(-25));
            await using var services = await ShopfloorServices.CreateAsync(engine.GetDatabase("shopfloor"), new ShopfloorOptions { DataDirectory = directory, Time = clock }, cancellationToken: ct);
            await services.ReferenceData.CreateDepartmentAsync(DemoData.Department(Departments.Paint, clock.Now.UtcDateTime), ct);
            await services.SignIn.SetPinAsync(Departments.Paint, "482913", cancellationToken: ct);

            var expired = await services.SignIn.SignInAsync("tablet-old", "PNT", "482913", ct);
            Assert.True(expired.Succeeded);
            clock.Now = DateTimeOffset.UtcNow;
            var live = await services.SignIn.SignInAsync("tablet-new", "PNT", "482913", ct);
            Assert.True(live.Succeeded);
            Assert.True(expired.Session!.ExpiresAt < DateTimeOffset.UtcNow);
            Assert.True(live.Session!.ExpiresAt > DateTimeOffset.UtcNow.AddHours(23));

            var sessions = engine.GetDatabase("shopfloor").GetCollection(CollectionNames.DeviceSessions);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (await services.Sessions.GetAsync(expired.Session.SessionId, ct) is not null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the TTL sweeper did not remove the expired session within 20 s");
                await Task.Delay(100, ct);
            }
            Assert.NotNull(await services.Sessions.GetAsync(live.Session.SessionId, ct));
            Assert.Equal(1L, await sessions.CountAsync(new CountOptions(), null, ct));
            // The token of the swept session no longer validates; the live one does.
            Assert.False((await services.Tokens.ValidateAsync(expired.Token!, ct)).IsValid);
            Assert.True((await services.Tokens.ValidateAsync(live.Token!, ct)).IsValid);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
