using System.Globalization;
using Outpost;
using Outpost.Bson;
using Outpost.Client.Transport;
using Outpost.Sync.Transport;
using Shopfloor.Device;
using Shopfloor.Device.Simulation;
using Spectre.Console;

// shopfloor-device: the tablet app as a console program. Commands keep their state under --data (default ./device-data).
var command = args.Length > 0 ? args[0] : "help";
var flags = ParseFlags(args.AsSpan(Math.Min(1, args.Length)).ToArray());
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;
var data = Flag("data", "./device-data");
try
{
    switch (command)
    {
        case "simulate":
            return await SimulateAsync();
        case "demo":
            // The same demo as `shopfloor demo`: the server module with simulated tablets syncing into it.
            return await new Shopfloor.Demo.DemoRunner(new Shopfloor.Demo.DemoOptions
            {
                DataDirectory = Flag("data", "./shopfloor-data"),
                HttpPort = Int("port", 5080),
                WirePort = Int("wire-port", 27017),
                Photos = Int("photos", 400),
                LiveInterval = TimeSpan.FromSeconds(Int("interval", 10)),
                DevicesPerDepartment = Int("devices", 1),
                SyncPort = Int("sync-port", Int("port", 5080) + 1),
                ExitAfter = flags.ContainsKey("exit-after") ? TimeSpan.FromSeconds(Int("exit-after", 0)) : null,
            }).RunAsync(Console.Out, ct);
        case "sign-in":
            return await SignInAsync();
        case "capture":
        case "edit":
        case "sync":
        case "conflicts":
        case "status":
            return await DeviceCommandAsync(command);
        default:
            Console.WriteLine("""
                usage: shopfloor-device <command> [--data DIR]
                  sign-in   --server URL (--code DEPT_CODE --pin PIN | --token JWT --department ID) [--device ID] [--sync URL (default: server port+1)]
                  capture   [--count N] [--size BYTES] [--project OBJECTID --job JOB-NUMBER]   (works offline)
                  edit      --id OBJECTID --set path=value [--set path=value ...]
                  sync      push, pull and upload photos with progress bars
                  conflicts list merged and unresolved conflicts
                  status    photos on the device and their sync status
                  demo      the Shopfloor demo server with simulated tablets syncing into it, device sync on --sync-port (port+1) [--port N] [--wire-port N] [--devices N] [--interval S] [--exit-after S]
                  simulate  [--devices N per department] [--photos N per device] [--size BYTES] [--rounds N] [--offline P] [--seed N]
                """);
            return command == "help" ? 0 : 2;
    }
}
catch (Exception e) when (e is MongoException or InvalidOperationException or SyncTransportException or Outpost.Sync.Protocol.SyncProtocolException or HttpRequestException or KeyNotFoundException)
{
    AnsiConsole.MarkupLineInterpolated($"[red]{command} failed:[/] {e.Message}");
    return 1;
}

async Task<int> SimulateAsync()
{
    var options = new SimulationOptions
    {
        DevicesPerDepartment = Int("devices", 2),
        PhotosPerDevice = Int("photos", 6),
        PhotoSize = Int("size", 64 * 1024),
        Rounds = Int("rounds", 4),
        OfflineProbability = double.Parse(Flag("offline", "0.4"), CultureInfo.InvariantCulture),
        Seed = Int("seed", 2026),
        DataDirectory = flags.ContainsKey("data") ? data : null,
    };
    SimulationSummary summary = null!;
    await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
        .StartAsync(async context =>
        {
            var planned = options.PhotosPerDevice * options.DevicesPerDepartment * options.Departments.Count;
            var captured = context.AddTask("captured", maxValue: planned);
            var synced = context.AddTask("synced", maxValue: planned);
            summary = await DeviceSimulation.RunAsync(new SimulationOptions
            {
                DevicesPerDepartment = options.DevicesPerDepartment, PhotosPerDevice = options.PhotosPerDevice, PhotoSize = options.PhotoSize,
                Rounds = options.Rounds, OfflineProbability = options.OfflineProbability, Seed = options.Seed, DataDirectory = options.DataDirectory,
                Progress = new Progress<SimulationProgress>(p =>
                {
                    captured.Value = p.PhotosCaptured;
                    synced.Value = p.PhotosSynced;
                    captured.Description = $"round {p.Round}/{p.Rounds} captured";
                }),
            }, ct);
            captured.Value = captured.MaxValue;
            synced.Value = summary.PhotosSynced;
        });
    var table = new Table().AddColumn("simulation").AddColumn(new TableColumn("").RightAligned());
    table.AddRow("devices", summary.Devices.ToString(CultureInfo.InvariantCulture));
    table.AddRow("photos captured", summary.PhotosCaptured.ToString(CultureInfo.InvariantCulture));
    table.AddRow("photos synced", summary.PhotosSynced.ToString(CultureInfo.InvariantCulture));
    table.AddRow("bytes uploaded", summary.BytesUploaded.ToString("N0", CultureInfo.InvariantCulture));
    table.AddRow("upload errors", summary.UploadErrors.ToString(CultureInfo.InvariantCulture));
    table.AddRow("metadata edits", summary.Edits.ToString(CultureInfo.InvariantCulture));
    table.AddRow("conflicts merged", summary.ConflictsMerged.ToString(CultureInfo.InvariantCulture));
    table.AddRow("conflicts left for review", summary.ConflictsForReview.ToString(CultureInfo.InvariantCulture));
    table.AddRow("photos on the server", summary.ServerPhotos.ToString(CultureInfo.InvariantCulture));
    AnsiConsole.Write(table);
    return summary.PhotosSynced == summary.PhotosCaptured && summary.UploadErrors == 0 ? 0 : 1;
}

async Task<int> SignInAsync()
{
    var server = new Uri(Flag("server", "http://127.0.0.1:5080"));
    var syncUri = new Uri(Flag("sync", new UriBuilder(server) { Port = server.Port + 1 }.Uri.ToString()));
    var device = Flag("device", "tablet-" + Environment.MachineName.ToLowerInvariant());
    DeviceSessionFile session;
    if (flags.TryGetValue("token", out var token))
    {
        session = new DeviceSessionFile(server, device, Flag("department", ""), token[0]);
        if (session.DepartmentId.Length == 0) throw new InvalidOperationException("--token needs --department");
    }
    else
    {
        using var http = new HttpClient();
        session = await SignInClient.SignInAsync(http, server, device, Flag("code", ""), Flag("pin", ""), ct);
    }
    // The session keeps the sync address: sign-in is the only REST call the device makes.
    session = session with { Server = syncUri };
    await session.SaveAsync(data, ct);
    AnsiConsole.MarkupLineInterpolated($"[green]signed in[/] {session.DeviceId} to {session.DepartmentId}; syncs with {session.Server}");
    return 0;
}

async Task<int> DeviceCommandAsync(string name)
{
    var session = await DeviceSessionFile.LoadAsync(data, ct);
    using var http = new HttpSyncTransport(session.Server);
    await using var device = await ShopfloorDevice.OpenAsync(new DeviceOptions
    {
        DataDirectory = data, DeviceId = session.DeviceId, DepartmentId = session.DepartmentId, Token = session.Token, Transport = http,
    }, ct);
    switch (name)
    {
        case "capture":
        {
            var count = Int("count", 5);
            var project = flags.ContainsKey("project") ? ObjectId.Parse(Flag("project", "")) : ObjectId.GenerateNewId();
            var job = Flag("job", "JOB-2025-001");
            await AnsiConsole.Progress().StartAsync(async context =>
            {
                var task = context.AddTask("capturing", maxValue: count);
                for (int i = 0; i < count; i++)
                {
                    await device.CapturePhotoAsync(project, job, Int("size", 256 * 1024), ct);
                    task.Increment(1);
                }
            });
            AnsiConsole.MarkupLineInterpolated($"captured {count} photo(s); {await device.Client.CountPendingAsync(ct)} write(s) waiting to sync");
            return 0;
        }
        case "edit":
        {
            var set = new BsonDocument();
            foreach (var pair in flags.GetValueOrDefault("set") ?? [])
            {
                var at = pair.IndexOf('=', StringComparison.Ordinal);
                var raw = pair[(at + 1)..];
                set[pair[..at]] = int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : raw;
            }
            await device.EditMetadataAsync(ObjectId.Parse(Flag("id", "")), set, ct);
            AnsiConsole.MarkupLine("[green]edited[/] (queued for sync)");
            return 0;
        }
        case "sync":
        {
            DeviceSyncResult result = null!;
            await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
                .StartAsync(async context =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    var progress = new Progress<Outpost.Client.Attachments.AttachmentProgress>(p =>
                    {
                        if (!tasks.TryGetValue(p.Id, out var task)) tasks[p.Id] = task = context.AddTask("photo " + p.Id[..8], maxValue: Math.Max(1, p.Length));
                        task.Value = p.Bytes;
                    });
                    result = await device.SyncAsync(progress, ct);
                });
            AnsiConsole.MarkupLineInterpolated($"uploaded {result.PhotosUploaded} photo(s), {result.BytesUploaded:N0} bytes, {result.UploadErrors} error(s); {result.Pending} write(s) pending");
            return result.UploadErrors == 0 ? 0 : 1;
        }
        case "conflicts":
        {
            var table = new Table().AddColumns("at", "photo", "field", "strategy", "result", "review");
            foreach (var c in await device.GetConflictsAsync(includeResolved: true, ct))
            {
                table.AddRow(c.At.ToString("u", CultureInfo.InvariantCulture), c.DocumentId.ToString(), c.Conflict?.Path ?? "-", c.Conflict?.Strategy.ToString() ?? "rejected",
                    Markup.Escape(c.Conflict?.Result?.ToString() ?? c.RejectionReason ?? ""), c.Resolved ? "resolved" : (c.Conflict?.NeedsReview == true || c.RejectionReason is not null ? "needs review" : "merged"));
            }
            AnsiConsole.Write(table);
            return 0;
        }
        default:
        {
            var table = new Table().AddColumns("photo", "file", "quality", "syncStatus", "sdk status");
            foreach (var photo in await device.Photos.FindAsync(cancellationToken: ct))
            {
                table.AddRow(photo["_id"].ToString(), photo["fileName"].ToString(), photo["metadata"].AsDocument["qualityRating"].ToString(), photo["syncStatus"].ToString(),
                    (await device.Photos.GetSyncStatusAsync(photo["_id"], ct)).ToString());
            }
            AnsiConsole.Write(table);
            return 0;
        }
    }
}

string Flag(string name, string fallback) => flags.TryGetValue(name, out var values) ? values[^1] : fallback;

int Int(string name, int fallback) => int.Parse(Flag(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

static Dictionary<string, List<string>> ParseFlags(string[] arguments)
{
    var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
    for (int i = 0; i < arguments.Length; i++)
    {
        if (!arguments[i].StartsWith("--", StringComparison.Ordinal)) continue;
        var name = arguments[i][2..];
        var value = i + 1 < arguments.Length && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal) ? arguments[++i] : "true";
        if (!result.TryGetValue(name, out var list)) result[name] = list = [];
        list.Add(value);
    }
    return result;
}
