using System.Collections.Concurrent;
using Outpost.Bson;

namespace Outpost.Wire.Hosting;

/// <summary>The commands running now, for currentOp and killOp.</summary>
public sealed class OperationTable
{
    private readonly ConcurrentDictionary<int, RunningOperation> _running = new();
    private int _nextId;

    /// <summary>Registers a running command; dispose the result when it ends.</summary>
    public RunningOperation Start(long connectionId, string? client, string? appName, string database, BsonDocument command, CancellationToken outer)
    {
        int id = Interlocked.Increment(ref _nextId);
        var op = new RunningOperation(this, id, connectionId, client, appName, database, command, outer);
        _running[id] = op;
        return op;
    }

    /// <summary>Operations in progress.</summary>
    public IEnumerable<RunningOperation> Running => _running.Values;

    /// <summary>Interrupts an operation; false if it is not running.</summary>
    public bool Kill(int id)
    {
        if (!_running.TryGetValue(id, out var op)) return false;
        op.Kill();
        return true;
    }

    internal void Remove(int id) => _running.TryRemove(id, out _);
}
