using System.Globalization;
using Outpost;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Migrations;
using Shopfloor.Server;

namespace Shopfloor.Cli;

/// <summary>
/// The sample's command line. The sample owns its migrations: <c>outpost migrate</c> (src/Outpost.Server) cannot run
/// them without the server depending on the sample, so they run here.
/// </summary>
public static class ShopfloorCli
{
    private const string Usage = """
        usage: shopfloor <verb> [options]            (dotnet run --project samples/Shopfloor -- <verb> …)
          demo     [--data DIR] [--port N] [--wire-port N|0] [--wire-auth on|off] [--sync-port N|0] [--photos N] [--devices N] [--live-seconds N|0] [--exit-after SECONDS]
                   (simulated tablets, N per department, capture offline and sync every --live-seconds; 0 = no devices)
          serve    [--data DIR] [--url URL]
          migrate  up [--to VERSION] | down <VERSION> | status      [--data DIR]
        DIR defaults to ./shopfloor-data (embedded SQLite). Stop a running server before migrating its folder.
        """;

    /// <summary>Runs one verb; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var options = Options.Parse(args[1..]);
        try
        {
            return args[0] switch
            {
                "demo" => await new DemoRunner(new DemoOptions
                {
                    DataDirectory = options.Get("data") ?? "./shopfloor-data",
                    HttpPort = options.Int("port") ?? 5080,
                    WirePort = options.Int("wire-port") ?? 27017,
                    WireAuth = options.Get("wire-auth") == "on",
                    Photos = options.Int("photos") ?? 400,
                    LiveInterval = TimeSpan.FromSeconds(options.Int("live-seconds") ?? 10),
                    DevicesPerDepartment = options.Int("devices") ?? 1,
                    SyncPort = options.Int("sync-port"),
                    ExitAfter = options.Int("exit-after") is { } s ? TimeSpan.FromSeconds(s) : null,
                }).RunAsync(Console.Out).ConfigureAwait(false),
                "serve" => await ServeAsync(options).ConfigureAwait(false),
                "migrate" => await MigrateAsync(options).ConfigureAwait(false),
                _ => Fail($"unknown verb '{args[0]}'\n{Usage}"),
            };
        }
        catch (MongoException e)
        {
            return Fail($"shopfloor {args[0]}: {e.CodeName}: {e.Message}");
        }
    }

    private static async Task<int> ServeAsync(Options options)
    {
        var data = options.Get("data") ?? "./shopfloor-data";
        await using var engine = await OutpostEngine.OpenAsync(Path.Combine(EnsureDirectory(data), "shopfloor.db")).ConfigureAwait(false);
        await using var host = await ShopfloorHost.StartAsync(new ShopfloorOptions { DataDirectory = data, Url = options.Get("url") ?? "http://127.0.0.1:5080" }, engine).ConfigureAwait(false);
        var applied = await new MigrationRunner(engine, "shopfloor").UpAsync().ConfigureAwait(false);
        Console.WriteLine($"shopfloor serving {host.BaseAddress} (dashboard {new Uri(host.BaseAddress, "/dashboard/")}); migrations applied now: {(applied.Count == 0 ? "none" : string.Join(", ", applied))}");
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> MigrateAsync(Options options)
    {
        var data = options.Get("data") ?? "./shopfloor-data";
        await using var engine = await OutpostEngine.OpenAsync(Path.Combine(EnsureDirectory(data), "shopfloor.db")).ConfigureAwait(false);
        var runner = new MigrationRunner(engine, "shopfloor");
        var verb = options.Positional.Count > 0 ? options.Positional[0] : "status";
        switch (verb)
        {
            case "up":
                var applied = await runner.UpAsync(options.Int("to")).ConfigureAwait(false);
                Console.WriteLine(applied.Count == 0 ? "no pending migrations" : $"applied: {string.Join(", ", applied)}");
                break;
            case "down":
                if (options.Positional.Count < 2 || !int.TryParse(options.Positional[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var target))
                {
                    return Fail("usage: shopfloor migrate down <VERSION>   (reverts every migration above VERSION; 0 reverts all)");
                }
                var reverted = await runner.DownAsync(target).ConfigureAwait(false);
                Console.WriteLine(reverted.Count == 0 ? "nothing to revert" : $"reverted: {string.Join(", ", reverted)}");
                break;
            case "status":
                break;
            default:
                return Fail($"unknown migrate verb '{verb}' (up | down <VERSION> | status)");
        }
        foreach (var s in await runner.StatusAsync().ConfigureAwait(false))
        {
            var state = !s.Applied ? "pending" : s.Modified ? "MODIFIED since applied" : $"applied {s.AppliedAt:yyyy-MM-dd HH:mm:ss}Z";
            Console.WriteLine($"  v{s.Version}  {s.Checksum[..16]}  {state,-32} {s.Description}");
        }
        Console.WriteLine($"current version: {await runner.CurrentVersionAsync().ConfigureAwait(false)}");
        return 0;
    }

    private static string EnsureDirectory(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
