using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine;
using Shopfloor.Server.Endpoints;

namespace Shopfloor.Server;

/// <summary>
/// The Shopfloor server module on Kestrel: opens (or borrows) an Outpost engine, prepares the database
/// (validators, indexes), maps the REST API, the dashboard and <c>/openapi.json</c>, and listens.
/// </summary>
public sealed class ShopfloorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsEngine;

    private ShopfloorHost(WebApplication app, OutpostEngine engine, bool ownsEngine, ShopfloorServices services, Uri baseAddress)
    {
        _app = app;
        Engine = engine;
        _ownsEngine = ownsEngine;
        Services = services;
        BaseAddress = baseAddress;
    }

    /// <summary>The engine behind the module.</summary>
    public OutpostEngine Engine { get; }

    /// <summary>The module's services (usable in-process).</summary>
    public ShopfloorServices Services { get; }

    /// <summary>Where the HTTP API listens (the real port when the options asked for port 0).</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// Starts the module. With <paramref name="engine"/> null it opens the embedded SQLite engine at
    /// <c>DataDirectory/shopfloor.db</c> and closes it on dispose.
    /// </summary>
    public static async Task<ShopfloorHost> StartAsync(ShopfloorOptions options, OutpostEngine? engine = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var ownsEngine = engine is null;
        engine ??= await OutpostEngine.OpenAsync(Path.Combine(options.DataDirectory, "shopfloor.db"), cancellationToken).ConfigureAwait(false);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(options.LogLevel);
            builder.WebHost.UseUrls(options.Url);
            builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(5));
            // The framework's generated document lists every mapped route (served at /openapi/generated.json); the
            // curated /openapi.json adds schemas, security and prose, and a test keeps the two route sets equal.
            builder.Services.AddOpenApi();
            var app = builder.Build();
            var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
            var services = await ShopfloorServices.CreateAsync(engine.GetDatabase(options.DatabaseName), options, loggerFactory, cancellationToken).ConfigureAwait(false);
            app.Use((context, next) => ProblemResponses.HandleAsync(context, () => next(context)));
            AuthEndpoints.Map(app, services);
            PhotoEndpoints.Map(app, services);
            ReferenceDataEndpoints.Map(app, services);
            DashboardEndpoints.Map(app, services);
            app.MapOpenApi("/openapi/generated.json");
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ShopfloorHost(app, engine, ownsEngine, services, new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal)));
        }
        catch
        {
            if (ownsEngine)
            {
                await engine.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops HTTP (letting requests finish), then closes an engine this host opened.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Services.DisposeAsync().ConfigureAwait(false);
        if (_ownsEngine)
        {
            await Engine.DisposeAsync().ConfigureAwait(false);
        }
    }
}
