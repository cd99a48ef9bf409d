using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Commands;
using Outpost.Wire.Commands.Catalog;
using Outpost.Wire.Commands.Crud;
using Outpost.Wire.Commands.Indexes;
using Outpost.Wire.Commands.Queries;
using Outpost.Wire.Commands.Transactions;
using Outpost.Wire.Cursors;
using Outpost.Wire.Sessions;

namespace Outpost.Wire.Hosting;

/// <summary>Connects the command layer to an <see cref="OutpostEngine"/>: the engine-backed families, sessions, cursors, cluster time.</summary>
public static class EngineBinding
{
    /// <summary>How long an idle logical session lives (hello's logicalSessionTimeoutMinutes).</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Registers the engine-backed command families; use as MongoWireServer's configure callback.</summary>
    public static EngineServices Bind(OutpostEngine engine, CommandRegistry registry, CommandDispatcher dispatcher, WireHost host)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(host);
        var services = new EngineServices(engine, new CursorTable(host.Time, host.Options.CursorTimeout), new SessionTable(host.Time, SessionTimeout));
        registry.Add(new CrudCommands(services));
        registry.Add(new QueryCommands(services));
        registry.Add(new CatalogCommands(services));
        registry.Add(new IndexCommands(services));
        registry.Add(new TransactionCommands(services));
        dispatcher.Interceptor = new SessionInterceptor(engine, services.Sessions);
        host.ClusterTime = () =>
        {
            // The engine's change-log time, so operationTime maps back to a log position (startAtOperationTime);
            // before the first write it is zero, which drivers accept.
            var t = engine.ClusterTime;
            return t.Value == 0 ? new BsonTimestamp(host.Clock.Current.Seconds, 0) : t;
        };
        return services;
    }

    /// <summary>Closes idle cursors and expires idle sessions every <paramref name="period"/> until cancelled.</summary>
    public static async Task RunHousekeepingAsync(EngineServices services, TimeSpan period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await services.Cursors.ReapAsync().ConfigureAwait(false);
                await services.Sessions.ReapAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
