using Outpost.Wire.Auth;

namespace Outpost.Wire.Commands;

/// <summary>One registered command: its handler and what it requires.</summary>
/// <param name="Name">The canonical command name.</param>
/// <param name="Handler">Runs the command and returns the reply body (ok is added by the dispatcher when missing).</param>
/// <param name="Privilege">What the caller must be granted on the command's database.</param>
/// <param name="IsWrite">A write command: retryable with txnNumber, counts for RetryableWriteError labels.</param>
public sealed record CommandSpec(string Name, Func<CommandContext, ValueTask<Bson.BsonDocument>> Handler, Privilege Privilege, bool IsWrite = false);
