using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Bson;
using Outpost.Wire.Auth;
using Outpost.Wire.Metrics;
using Outpost.Wire.Testing;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Hosting;

/// <summary>
/// The process-wide state every command shares: identity (processId, electionId), the cluster clock, failpoints,
/// metrics, users. One per server; nothing here is static, so tests can run several servers in one process.
/// </summary>
public sealed class WireHost
{
    private static readonly BsonDocument ZeroSignature = new()
    {
        { "hash", new BsonBinary(new byte[20]) },
        { "keyId", 0L },
    };

    /// <summary>Creates the host state.</summary>
    public WireHost(WireHostOptions options, IUserStore? users = null, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Users = users ?? new InMemoryUserStore();
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Time = time ?? TimeProvider.System;
        LoginLimiter = new LoginRateLimiter(options.MaxLoginFailures, options.LoginFailureWindow, Time);
        StartTime = Time.GetUtcNow();
        Parameters = new ServerParameters(options);
        ClusterTime = () => Clock.Current;
    }

    /// <summary>getParameter / setParameter values.</summary>
    public ServerParameters Parameters { get; }

    /// <summary>Commands in flight (currentOp, killOp).</summary>
    public OperationTable Operations { get; } = new();

    /// <summary>Configuration.</summary>
    public WireHostOptions Options { get; }

    /// <summary>Users and credentials.</summary>
    public IUserStore Users { get; }

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Clock for timeouts and localTime.</summary>
    public TimeProvider Time { get; }

    /// <summary>topologyVersion.processId: new each process start, so drivers notice restarts.</summary>
    public ObjectId ProcessId { get; } = ObjectId.GenerateNewId();

    /// <summary>The replica set electionId: one per process, since this node is always primary.</summary>
    public ObjectId ElectionId { get; } = ObjectId.GenerateNewId();

    /// <summary>When the server started (serverStatus uptime).</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>operationTime / $clusterTime source.</summary>
    public ClusterClock Clock { get; } = new();

    /// <summary>Failpoints set by configureFailPoint.</summary>
    public FailPointRegistry FailPoints { get; } = new();

    /// <summary>Command counters and latencies.</summary>
    public WireMetrics Metrics { get; } = new();

    /// <summary>Failed-login throttle.</summary>
    public LoginRateLimiter LoginLimiter { get; }

    /// <summary>The listener serving this host (connections, threads, traffic); null until one is attached.</summary>
    public WireServer? Transport { get; set; }

    /// <summary>
    /// Where operationTime / $clusterTime come from. With an engine this is the engine's change-log time, so that
    /// afterClusterTime and change streams' startAtOperationTime map back to log positions; else <see cref="Clock"/>.
    /// </summary>
    public Func<BsonTimestamp> ClusterTime { get; set; }

    /// <summary>Adds <c>$clusterTime</c> and <c>operationTime</c> as a replica-set member does on every reply.</summary>
    public void Decorate(BsonDocument reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var now = ClusterTime();
        if (!reply.Contains("$clusterTime"))
        {
            reply.Add("$clusterTime", new BsonDocument { { "clusterTime", now }, { "signature", ZeroSignature.DeepClone() } });
        }
        if (!reply.Contains("operationTime")) reply.Add("operationTime", now);
    }
}
