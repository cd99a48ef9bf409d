using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Auth;
using Outpost.Wire.Hosting;
using Outpost.Wire.Transport;
using Shopfloor.Domain;
using Shopfloor.Migrations;
using Shopfloor.Security;
using Shopfloor.Server;

namespace Shopfloor.Demo;

/// <summary>
/// <c>shopfloor demo</c>: opens the embedded engine, applies migrations, starts the HTTP module and (on loopback)
/// the MongoDB wire server over the same engine, seeds departments with fresh PINs and projects, generates
/// photos, starts the device fleet (by default <see cref="Device.Simulation.SimulatedDeviceFleet"/>: tablets on
/// their own SQLite databases capturing offline and syncing in) and prints where to look.
/// </summary>
public sealed class DemoRunner(DemoOptions options, Func<DemoContext, IDeviceFleet>? fleetFactory = null)
{
    /// <summary>Runs until Ctrl+C (or <see cref="DemoOptions.ExitAfter"/>); returns the exit code.</summary>
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        Directory.CreateDirectory(options.DataDirectory);
        await using var engine = await OutpostEngine.OpenAsync(Path.Combine(options.DataDirectory, "shopfloor.db"), cancellationToken).ConfigureAwait(false);
        var serverOptions = new ShopfloorOptions
        {
            DataDirectory = options.DataDirectory,
            Url = $"http://127.0.0.1:{options.HttpPort.ToString(CultureInfo.InvariantCulture)}",
        };
        await using var host = await ShopfloorHost.StartAsync(serverOptions, engine, cancellationToken).ConfigureAwait(false);
        var applied = await new MigrationRunner(engine, serverOptions.DatabaseName).UpAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (applied.Count > 0)
        {
            await output.WriteLineAsync($"migrations applied: {string.Join(", ", applied)}").ConfigureAwait(false);
        }

        var services = host.Services;
        var now = DateTime.UtcNow;
        foreach (var department in Departments.All)
        {
            if (await services.ReferenceData.GetDepartmentAsync(department.Id, cancellationToken).ConfigureAwait(false) is null)
            {
                await services.ReferenceData.CreateDepartmentAsync(DemoData.Department(department, now), cancellationToken).ConfigureAwait(false);
            }
        }
        var projects = await services.ReferenceData.ListProjectsAsync(null, cancellationToken).ConfigureAwait(false);
        if (projects.Count == 0)
        {
            foreach (var project in DemoData.Projects(now))
            {
                projects.Add(await services.ReferenceData.CreateProjectAsync(project, cancellationToken).ConfigureAwait(false));
            }
        }

        // PINs are stored only as hashes, so each demo run sets fresh ones it can print.
        var pins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var department in Departments.All)
        {
            var pin = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            await services.SignIn.SetPinAsync(department, pin, cancellationToken: cancellationToken).ConfigureAwait(false);
            pins[department.Code] = pin;
        }

        var generated = await GeneratePhotosAsync(services, projects, pins, cancellationToken).ConfigureAwait(false);

        MongoWireServer? wire = null;
        var wireUsers = new List<(DepartmentInfo Department, string User, string Password)>();
        if (options.WirePort > 0)
        {
            EngineUserStore? users = null;
            if (options.WireAuth)
            {
                users = new EngineUserStore(engine);
                await DepartmentWireAccess.EnsureAsync(services.Database, users, cancellationToken).ConfigureAwait(false);
                foreach (var department in Departments.All)
                {
                    // Fresh passwords each run, as the PINs.
                    string user = $"{department.Id.ToLowerInvariant().Replace('_', '-')}-inspector";
                    string password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
                    await users.DropAsync(services.Database.Name, user, cancellationToken).ConfigureAwait(false);
                    await DepartmentWireAccess.CreateUserAsync(users, services.Database, department, user, password, cancellationToken).ConfigureAwait(false);
                    wireUsers.Add((department, user, password));
                }
            }
            try
            {
                wire = new MongoWireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, options.WirePort) },
                    new WireHostOptions { AdvertisedAddress = $"localhost:{options.WirePort}", AuthenticationRequired = options.WireAuth }, users, null,
                    (registry, dispatcher, wireHost) => EngineBinding.Bind(engine, registry, dispatcher, wireHost));
                wire.Start();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
            {
                await output.WriteLineAsync($"wire server not started on port {options.WirePort}: {e.Message}").ConfigureAwait(false);
                if (wire is not null) await wire.DisposeAsync().ConfigureAwait(false);
                wire = null;
            }
        }

        var dashboard = new Uri(host.BaseAddress, "/dashboard/");
        await output.WriteLineAsync($"""

            Shopfloor demo is running (data: {Path.GetFullPath(options.DataDirectory)})
              dashboard:  {dashboard}
              REST API:   {new Uri(host.BaseAddress, "/api/")}   (OpenAPI: {new Uri(host.BaseAddress, "/openapi.json")})
              wire:       {(wire is null ? "off" : $"mongodb://localhost:{wire.LocalEndPoint.Port}/?directConnection=true  (loopback, {(options.WireAuth ? "department users below" : "no auth")}; database '{serverOptions.DatabaseName}')")}
              photos:     {generated} generated this run
              admin key:  {services.AdminKey}   (header X-Shopfloor-Admin-Key, for department/project writes)

            Department sign-in (code / PIN):
            """).ConfigureAwait(false);
        foreach (var department in Departments.All)
        {
            await output.WriteLineAsync($"  {department.Code}  {pins[department.Code]}   {department.Name}").ConfigureAwait(false);
        }
        if (wire is not null && wireUsers.Count > 0)
        {
            await output.WriteLineAsync("\nDepartment wire users (read and write only their department's photos on 'photos'):").ConfigureAwait(false);
            foreach (var (department, user, password) in wireUsers)
            {
                await output.WriteLineAsync($"  {department.Code}  mongodb://{user}:{password}@localhost:{wire.LocalEndPoint.Port}/{serverOptions.DatabaseName}?authSource={serverOptions.DatabaseName}&directConnection=true").ConfigureAwait(false);
            }
        }
        await output.WriteLineAsync(options.LiveInterval > TimeSpan.Zero
            ? $"\nSimulated tablets ({options.DevicesPerDepartment} per department) capture photos offline, edit, reconnect and sync every {options.LiveInterval.TotalSeconds:0} s; the dashboard refreshes live. Ctrl+C stops."
            : "\nSimulated devices off. Ctrl+C stops.").ConfigureAwait(false);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.ExitAfter is { } after)
        {
            stop.CancelAfter(after);
        }
        var context = new DemoContext(host, pins, projects, output);
        var fleet = (fleetFactory ?? DefaultFleet)(context);
        var fleetTask = fleet.RunAsync(context, stop.Token);
        try
        {
            await host.WaitForShutdownAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // ExitAfter elapsed.
        }
        await stop.CancelAsync().ConfigureAwait(false);
        await fleetTask.ConfigureAwait(false);
        if (wire is not null)
        {
            await wire.DisposeAsync().ConfigureAwait(false);
        }
        return 0;
    }

    private IDeviceFleet DefaultFleet(DemoContext context)
    {
        if (options.LiveInterval <= TimeSpan.Zero)
        {
            return new GeneratedPhotoFleet(TimeSpan.Zero);
        }
        int syncPort = options.SyncPort ?? (options.HttpPort > 0 ? options.HttpPort + 1 : 0);
        return new Device.Simulation.SimulatedDeviceFleet(options.LiveInterval, options.DevicesPerDepartment, syncPort: syncPort);
    }

    private async Task<int> GeneratePhotosAsync(ShopfloorServices services, List<BsonDocument> projects, Dictionary<string, string> pins, CancellationToken cancellationToken)
    {
        var existing = await services.Database.GetCollection(CollectionNames.Photos).CountAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var missing = options.Photos - (int)existing;
        if (missing <= 0)
        {
            return 0;
        }
        var devices = new List<DevicePrincipal>();
        foreach (var department in Departments.All)
        {
            var result = await services.SignIn.SignInAsync($"tablet-{department.Code.ToLowerInvariant()}-1", department.Code, pins[department.Code], cancellationToken).ConfigureAwait(false);
            var s = result.Session!;
            devices.Add(new DevicePrincipal(s.DeviceId, s.DepartmentId, s.DepartmentCode, s.Permissions, s.SessionId));
        }
        var random = new Random(2025);
        var now = DateTime.UtcNow;
        for (var i = 0; i < missing; i++)
        {
            var device = devices[random.Next(devices.Count)];
            var project = projects[random.Next(projects.Count)];
            var capturedAt = now.AddMinutes(-random.Next(0, 30 * 24 * 60));
            var photo = DemoData.Photo(random, device.DepartmentId, project["_id"].AsObjectId, project["jobNumber"].AsString, capturedAt, device.DeviceId, (int)existing + i);
            await services.Photos.CreateAsync(device, photo, cancellationToken).ConfigureAwait(false);
        }
        return missing;
    }
}
