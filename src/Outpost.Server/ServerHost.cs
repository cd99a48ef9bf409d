using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine;
using Outpost.Storage.Postgres;
using Outpost.Sync.Attachments;
using Outpost.Sync.Rules;
using Outpost.Sync.Snapshots;
using Outpost.Sync.Server;
using Outpost.Wire.Auth;
using Outpost.Wire.Commands;
using Outpost.Wire.Hosting;
using Outpost.Wire.Transport;

namespace Outpost.Server;

/// <summary>
/// Runs <c>outpost serve</c>: opens the engine, starts the MongoDB wire listener beside the HTTP host (/healthz,
/// /metrics), prints one "ready" line once both accept connections, and on SIGTERM stops accepting, lets in-flight
/// requests finish, then closes the engine.
/// </summary>
public static class ServerHost
{
    public static async Task<int> RunAsync(ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Bind, options.HttpPort));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(8));
        var app = builder.Build();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("Outpost.Server");

        OutpostEngine engine;
        try
        {
            engine = await OpenEngineAsync(options).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"outpost serve: cannot open storage {options.Storage}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        // Authentication may be off only on loopback; any other bind requires SCRAM users.
        bool auth = options.Auth || !IPAddress.IsLoopback(options.Bind);
        var hostOptions = new WireHostOptions
        {
            ReplicaSetName = options.ReplicaSetName,
            AdvertisedAddress = options.AdvertisedAddress,
            AuthenticationRequired = auth,
            EnableTestCommands = options.EnableTestCommands,
            OutpostVersion = OutpostCli.Version,
        };
        var transport = new WireServerOptions
        {
            EndPoint = new IPEndPoint(options.Bind, options.Port),
            MaxConnections = options.MaxConnections,
            Transport = options.Transport,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            Certificate = options.TlsCertificateFile is null ? null : LoadCertificate(options.TlsCertificateFile, options.TlsKeyFile),
        };
        EngineServices? services = null;
        await using var wire = new MongoWireServer(transport, hostOptions, new EngineUserStore(engine), loggerFactory,
            (registry, dispatcher, host) => services = EngineBinding.Bind(engine, registry, dispatcher, host));

        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/metrics", async (CancellationToken ct) =>
        {
            var text = new StringBuilder(4096);
            wire.Host.Metrics.WritePrometheus(text, wire.Transport);
            long storage = await engine.Storage.GetSizeOnDiskAsync(ct).ConfigureAwait(false);
            text.Append("# HELP outpost_storage_bytes Bytes the stored data occupies on disk (SQLite file and WAL, or the PostgreSQL tables).\n# TYPE outpost_storage_bytes gauge\n");
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"outpost_storage_bytes {storage}\n");
            text.Append("# HELP outpost_open_cursors Open server cursors.\n# TYPE outpost_open_cursors gauge\n");
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"outpost_open_cursors {services?.Cursors.Count ?? 0}\n");
            return Results.Text(text.ToString(), "text/plain; version=0.0.4");
        });

        try
        {
            wire.Start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            await Console.Error.WriteLineAsync($"outpost serve: cannot listen on {options.Bind}:{options.Port}: {e.Message}").ConfigureAwait(false);
            await engine.DisposeAsync().ConfigureAwait(false);
            return 1;
        }
        if (options.SyncConfigFile is not null)
        {
            // Sync on the HTTP port: /sync/v1/* and the live WebSocket, with the rules of the config file.
            SyncConfiguration config;
            try
            {
                config = SyncConfiguration.Load(options.SyncConfigFile);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or InvalidCastException)
            {
                await Console.Error.WriteLineAsync($"outpost serve: bad --sync-config {options.SyncConfigFile}: {e.Message}").ConfigureAwait(false);
                await engine.DisposeAsync().ConfigureAwait(false);
                return 1;
            }
            var sync = new SyncService(engine, config.Options, new JwtSyncAuthenticator(config.JwtKey));
            await sync.InitializeAsync().ConfigureAwait(false);
            app.UseWebSockets();
            app.MapOutpostSync(sync);
            var attachments = new AttachmentService(sync);
            await attachments.InitializeAsync().ConfigureAwait(false);
            app.MapOutpostSyncAttachments(attachments);
            app.MapOutpostSyncSnapshotFiles(new SnapshotFileService(sync));
            app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => sync.RunForeignWriteStamperAsync(app.Lifetime.ApplicationStopping)));
        }
        await app.StartAsync().ConfigureAwait(false);
        using var housekeepingStop = new CancellationTokenSource();
        var housekeeping = EngineBinding.RunHousekeepingAsync(services!, TimeSpan.FromSeconds(10), housekeepingStop.Token);
        Console.WriteLine($"outpost {OutpostCli.Version} ready: mongodb on {wire.LocalEndPoint} (advertised {options.AdvertisedAddress}, replica set {options.ReplicaSetName}, auth {(auth ? "on" : "off")}{(transport.Certificate is null ? "" : ", tls")}), http on {options.Bind}:{options.HttpPort}, storage {options.Storage}");

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await stopping.Task.ConfigureAwait(false);

        // Stop order: no new wire requests, finish in-flight ones, then HTTP, then the engine.
        await wire.StopAsync().ConfigureAwait(false);
        await housekeepingStop.CancelAsync().ConfigureAwait(false);
        await housekeeping.ConfigureAwait(false);
        await services!.Cursors.KillAllAsync().ConfigureAwait(false);
        await services.Sessions.EndAllAsync().ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        try
        {
            await engine.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "closing the engine failed");
        }
        Console.WriteLine("outpost stopped");
        return 0;
    }

    private static async Task<OutpostEngine> OpenEngineAsync(ServeOptions options)
    {
        if (options.Storage == "sqlite")
        {
            Directory.CreateDirectory(options.DataDirectory);
            return await OutpostEngine.OpenAsync(new EngineOptions { SqlitePath = Path.Combine(options.DataDirectory, "outpost.db") }).ConfigureAwait(false);
        }
        var storage = await PostgresStorageEngine.OpenAsync(ToNpgsqlConnectionString(options.Storage)).ConfigureAwait(false);
        return await OutpostEngine.OpenAsync(new EngineOptions { Storage = storage, OwnsStorage = true }).ConfigureAwait(false);
    }

    /// <summary>
    /// postgresql://user:password@host:port/db?options → Npgsql's key=value form; libpq query parameters are mapped,
    /// unknown ones throw <see cref="ArgumentException"/> (see <see cref="PostgresConnectionUri"/>).
    /// </summary>
    public static string ToNpgsqlConnectionString(string url) => PostgresConnectionUri.ToConnectionString(url);

    private static X509Certificate2 LoadCertificate(string certificateFile, string? keyFile)
    {
        if (certificateFile.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certificateFile.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(certificateFile, password: null);
        }
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        // Re-import so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }
}
