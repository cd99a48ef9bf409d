using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Hosting;
using Outpost.Wire.Protocol;
using Outpost.Wire.Sessions;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Commands;

/// <summary>Everything a command handler sees: the command document, its database, the connection and the server.</summary>
public sealed class CommandContext
{
    /// <summary>The process-wide server state.</summary>
    public required WireHost Host { get; init; }

    /// <summary>The connection the command arrived on.</summary>
    public required WireConnection Connection { get; init; }

    /// <summary>The request (for streaming replies).</summary>
    public required WireRequest Request { get; init; }

    /// <summary>Per-connection state.</summary>
    public required ConnectionState State { get; init; }

    /// <summary>The command, with OP_MSG document sequences merged in as arrays.</summary>
    public required BsonDocument Command { get; init; }

    /// <summary>
    /// insert's documents still encoded (one BSON document each), when the dispatcher left them out of
    /// <see cref="Command"/> so the engine can store them without a decode and re-encode; null otherwise.
    /// The memory belongs to the request and is valid only while the handler runs.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? RawDocuments { get; init; }

    /// <summary>The canonical command name (first field; <c>ismaster</c> becomes <c>isMaster</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The target database (<c>$db</c>, or from OP_QUERY's collection name).</summary>
    public required string Database { get; init; }

    /// <summary>Cancelled when the connection is torn down.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>What engine calls receive: session, transaction, deadline, comment (set by the session interceptor).</summary>
    public Outpost.Engine.OperationContext Operation { get; set; } = Outpost.Engine.OperationContext.None;

    /// <summary>
    /// Set when the caller's only privileges on the command's namespace carry an <c>outpostFilter</c> (decision 026):
    /// the dispatcher has already ANDed the filter into the command's queries, and write handlers pass this to the
    /// engine so every document written must match it. Null for everyone else.
    /// </summary>
    public Outpost.Engine.DocumentRestriction? Restriction { get; init; }

    /// <summary>The logical session of the command (lsid), when it has one.</summary>
    public ServerSession? Session { get; set; }

    /// <summary>
    /// Set by a handler whose reply is a complete find batch kept as stored BSON; the dispatcher then writes it instead
    /// of the returned document (which must be empty or just <c>ok</c>).
    /// </summary>
    public Queries.RawCursorReply? RawReply { get; set; }

    /// <summary>The value of the command's first field (usually the collection name).</summary>
    public BsonValue Argument => Command.GetElement(0).Value;

    /// <summary>The first field as a collection name; throws InvalidNamespace otherwise.</summary>
    public string CollectionName
    {
        get
        {
            var value = Argument;
            if (!value.IsString || value.AsString.Length == 0)
            {
                throw new MongoException(ErrorCodes.InvalidNamespace, $"collection name has invalid type {value.Type}");
            }
            return value.AsString;
        }
    }

    /// <summary>"db.collection" for the command's collection.</summary>
    public string Namespace => $"{Database}.{CollectionName}";

    /// <summary>Sends an intermediate reply with moreToCome (exhaust streaming); the dispatcher sends the last one.</summary>
    public async ValueTask SendMoreToComeAsync(BsonDocument reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Host.Decorate(reply);
        using var buffer = new Buffers.PooledBufferWriter();
        BsonSerializer.Serialize(reply, buffer);
        await Connection.SendAsync(Request, buffer.WrittenMemory, moreToCome: true, CancellationToken).ConfigureAwait(false);
    }
}
