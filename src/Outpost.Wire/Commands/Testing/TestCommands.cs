using Outpost.Bson;
using Outpost.Wire.Auth;

namespace Outpost.Wire.Commands.Testing;

/// <summary>configureFailPoint (only registered with --enable-test-commands; otherwise "no such command").</summary>
public sealed class TestCommands : ICommandFamily
{
    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("configureFailPoint", ConfigureFailPoint, Privilege.Cluster));
    }

    private static ValueTask<BsonDocument> ConfigureFailPoint(CommandContext context)
    {
        if (context.Database != "admin") throw new MongoException(ErrorCodes.Unauthorized, "configureFailPoint may only be run against the admin database.");
        if (!context.Argument.IsString) throw new MongoException(ErrorCodes.TypeMismatch, "failpoint name must be a string");
        if (!context.Command.TryGetValue("mode", out var mode)) throw new MongoException(ErrorCodes.BadValue, "missing 'mode'");
        long count = context.Host.FailPoints.Configure(context.Argument.AsString, mode, CommandArgs.GetDocument(context.Command, "data"));
        return ValueTask.FromResult(new BsonDocument { { "count", count }, { "ok", 1.0 } });
    }
}
