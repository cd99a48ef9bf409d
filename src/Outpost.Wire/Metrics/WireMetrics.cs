using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Metrics;

/// <summary>
/// Counters behind serverStatus and the Prometheus /metrics endpoint: commands by name with a latency histogram,
/// MongoDB's opcounters, and connection totals. Thread-safe, lock-free on the hot path.
/// </summary>
public sealed class WireMetrics
{
    private static readonly double[] BucketBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly ConcurrentDictionary<string, CommandStat> _commands = new(StringComparer.Ordinal);
    private long _insert, _query, _update, _delete, _getmore, _command;
    private long _failedCommands;

    /// <summary>Records one executed command and its duration.</summary>
    public void RecordCommand(string name, TimeSpan elapsed, bool failed)
    {
        var stat = _commands.GetOrAdd(name, static _ => new CommandStat(BucketBounds.Length));
        stat.Record(elapsed.TotalSeconds, failed, BucketBounds);
        if (failed) Interlocked.Increment(ref _failedCommands);
        switch (name)
        {
            case "insert": Interlocked.Increment(ref _insert); break;
            case "find": Interlocked.Increment(ref _query); break;
            case "update" or "findAndModify": Interlocked.Increment(ref _update); break;
            case "delete": Interlocked.Increment(ref _delete); break;
            case "getMore": Interlocked.Increment(ref _getmore); break;
            default: Interlocked.Increment(ref _command); break;
        }
    }

    /// <summary>MongoDB's opcounters (insert, query, update, delete, getmore, command).</summary>
    public (long Insert, long Query, long Update, long Delete, long GetMore, long Command) OpCounters =>
        (Interlocked.Read(ref _insert), Interlocked.Read(ref _query), Interlocked.Read(ref _update),
         Interlocked.Read(ref _delete), Interlocked.Read(ref _getmore), Interlocked.Read(ref _command));

    /// <summary>Total and failed calls per command name.</summary>
    public IEnumerable<(string Name, long Total, long Failed)> Commands =>
        _commands.Select(kv => (kv.Key, kv.Value.Count, kv.Value.Failed));

    /// <summary>Appends the metrics, with <paramref name="transport"/>'s connections and traffic, in the Prometheus text exposition format.</summary>
    public void WritePrometheus(StringBuilder output, WireServer transport)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(transport);
        var inv = CultureInfo.InvariantCulture;
        var traffic = transport.Traffic;
        output.Append("# HELP outpost_connections Open wire protocol connections.\n# TYPE outpost_connections gauge\n");
        output.Append(inv, $"outpost_connections {transport.ConnectionCount}\n");
        output.Append("# HELP outpost_connections_total Wire protocol connections accepted.\n# TYPE outpost_connections_total counter\n");
        output.Append(inv, $"outpost_connections_total {transport.TotalAccepted}\n");
        output.Append("# HELP outpost_connection_threads Connections served by a thread of their own (threads and auto transports).\n# TYPE outpost_connection_threads gauge\n");
        output.Append(inv, $"outpost_connection_threads {transport.ConnectionThreadCount}\n");
        output.Append("# HELP outpost_network_requests_total Wire protocol requests received.\n# TYPE outpost_network_requests_total counter\n");
        output.Append(inv, $"outpost_network_requests_total {traffic.Requests}\n");
        output.Append("# HELP outpost_network_bytes_total Wire protocol bytes as sent on the sockets (compressed frames as sent), by direction.\n# TYPE outpost_network_bytes_total counter\n");
        output.Append(inv, $"outpost_network_bytes_total{{direction=\"in\"}} {traffic.PhysicalBytesIn}\n");
        output.Append(inv, $"outpost_network_bytes_total{{direction=\"out\"}} {traffic.PhysicalBytesOut}\n");
        output.Append("# HELP outpost_commands_total Commands executed, by command.\n# TYPE outpost_commands_total counter\n");
        foreach (var (name, stat) in _commands)
        {
            output.Append(inv, $"outpost_commands_total{{command=\"{name}\"}} {stat.Count}\n");
        }
        output.Append("# HELP outpost_command_errors_total Commands that failed, by command.\n# TYPE outpost_command_errors_total counter\n");
        foreach (var (name, stat) in _commands)
        {
            output.Append(inv, $"outpost_command_errors_total{{command=\"{name}\"}} {stat.Failed}\n");
        }
        output.Append("# HELP outpost_command_duration_seconds Command latency.\n# TYPE outpost_command_duration_seconds histogram\n");
        foreach (var (name, stat) in _commands)
        {
            long cumulative = 0;
            for (int i = 0; i < BucketBounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref stat.Buckets[i]);
                output.Append(inv, $"outpost_command_duration_seconds_bucket{{command=\"{name}\",le=\"{BucketBounds[i]}\"}} {cumulative}\n");
            }
            output.Append(inv, $"outpost_command_duration_seconds_bucket{{command=\"{name}\",le=\"+Inf\"}} {stat.Count}\n");
            output.Append(inv, $"outpost_command_duration_seconds_sum{{command=\"{name}\"}} {stat.SumMicros / 1e6}\n");
            output.Append(inv, $"outpost_command_duration_seconds_count{{command=\"{name}\"}} {stat.Count}\n");
        }
    }

    private sealed class CommandStat(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        private long _count, _failed, _sumMicros;

        public long Count => Interlocked.Read(ref _count);
        public long Failed => Interlocked.Read(ref _failed);
        public long SumMicros => Interlocked.Read(ref _sumMicros);

        public void Record(double seconds, bool failed, double[] bounds)
        {
            Interlocked.Increment(ref _count);
            if (failed) Interlocked.Increment(ref _failed);
            Interlocked.Add(ref _sumMicros, (long)(seconds * 1e6));
            for (int i = 0; i < bounds.Length; i++)
            {
                if (seconds <= bounds[i])
                {
                    Interlocked.Increment(ref Buckets[i]);
                    return;
                }
            }
        }
    }
}
