using Outpost.Bson;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Commands;

/// <summary>Wraps command execution with cross-cutting semantics: logical sessions, retryable writes, transactions.</summary>
public interface ICommandInterceptor
{
    /// <summary>Runs <paramref name="spec"/> for <paramref name="context"/>, applying session semantics around it.</summary>
    ValueTask<BsonDocument> RunAsync(CommandSpec spec, CommandContext context);

    /// <summary>Releases what a closed connection held.</summary>
    void OnConnectionClosed(WireConnection connection);
}
