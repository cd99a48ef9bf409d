using Outpost.Bson;

namespace Outpost.Wire.Hosting;

/// <summary>One command in flight: what currentOp shows and what killOp interrupts.</summary>
public sealed class RunningOperation : IDisposable
{
    private readonly OperationTable _table;
    private readonly CancellationTokenSource _cancel;

    internal RunningOperation(OperationTable table, int id, long connectionId, string? client, string? appName, string database, BsonDocument command, CancellationToken outer)
    {
        _table = table;
        Id = id;
        ConnectionId = connectionId;
        Client = client;
        AppName = appName;
        Database = database;
        Command = command;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
    }

    /// <summary>opid.</summary>
    public int Id { get; }

    /// <summary>The connection running it.</summary>
    public long ConnectionId { get; }

    /// <summary>Client address.</summary>
    public string? Client { get; }

    /// <summary>Client application name.</summary>
    public string? AppName { get; }

    /// <summary>Target database.</summary>
    public string Database { get; }

    /// <summary>The command document.</summary>
    public BsonDocument Command { get; }

    /// <summary>When it started.</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>True once killOp interrupted it.</summary>
    public bool Killed { get; private set; }

    /// <summary>Cancelled on killOp or when the connection goes away.</summary>
    public CancellationToken Token => _cancel.Token;

    internal void Kill()
    {
        Killed = true;
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Removes the operation from the table.</summary>
    public void Dispose()
    {
        _table.Remove(Id);
        _cancel.Dispose();
    }
}
