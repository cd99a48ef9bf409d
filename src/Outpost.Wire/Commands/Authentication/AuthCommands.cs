using Microsoft.Extensions.Logging;
using Outpost.Bson;
using Outpost.Wire.Auth;

namespace Outpost.Wire.Commands.Authentication;

/// <summary>saslStart / saslContinue (SCRAM-SHA-256, SCRAM-SHA-1), speculative authentication in hello, logout.</summary>
public sealed partial class AuthCommands : ICommandFamily
{
    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("saslStart", SaslStartAsync, Privilege.None));
        registry.Add(new CommandSpec("saslContinue", SaslContinueAsync, Privilege.None));
        registry.Add(new CommandSpec("logout", Logout, Privilege.None));
        registry.Add(new CommandSpec("authenticate", Authenticate, Privilege.None));
    }

    /// <summary>Runs the first SCRAM step of hello's speculativeAuthenticate; null when it cannot be done speculatively.</summary>
    public static async ValueTask<BsonDocument?> TrySpeculativeAsync(CommandContext context, BsonDocument speculative)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(speculative);
        if (!speculative.Contains("saslStart")) return null;
        string db = CommandArgs.GetString(speculative, "db") ?? context.Database;
        try
        {
            return await StartAsync(context, speculative, db).ConfigureAwait(false);
        }
        catch (MongoException)
        {
            // A failed speculative attempt is simply omitted; the driver then authenticates normally.
            return null;
        }
    }

    private static ValueTask<BsonDocument> SaslStartAsync(CommandContext context) => StartAsync(context, context.Command, context.Database);

    private static async ValueTask<BsonDocument> StartAsync(CommandContext context, BsonDocument command, string db)
    {
        string mechanismName = CommandArgs.GetString(command, "mechanism") ?? "";
        if (!ScramConversation.TryParseMechanism(mechanismName, out var mechanism))
        {
            throw new MongoException(ErrorCodes.BadValue, $"Received authentication for mechanism {mechanismName} which is not enabled");
        }
        var address = CommandDispatcher.RemoteAddress(context.Connection);
        if (!context.Host.LoginLimiter.IsAllowed(address))
        {
            LogThrottled(Logger(context), address?.ToString() ?? "?");
            throw new MongoException(ErrorCodes.AuthenticationFailed, "Authentication failed.");
        }
        var conversation = new ScramConversation(mechanism, db);
        byte[] serverFirst = await conversation.StartAsync(Payload(command), context.Host.Users, context.CancellationToken).ConfigureAwait(false);
        int id = context.State.AddConversation(conversation);
        return new BsonDocument
        {
            { "conversationId", id },
            { "done", false },
            { "payload", new BsonBinary(serverFirst) },
            { "ok", 1.0 },
        };
    }

    private static ValueTask<BsonDocument> SaslContinueAsync(CommandContext context)
    {
        int id = (int)CommandArgs.GetInt64(context.Command, "conversationId");
        var conversation = context.State.TakeConversation(id)
            ?? throw new MongoException(ErrorCodes.ProtocolError, "No SASL session state found");
        if (conversation.AuthenticatedUser is not null)
        {
            // The optional empty final exchange (when the client did not ask to skip it).
            return ValueTask.FromResult(new BsonDocument { { "conversationId", id }, { "done", true }, { "payload", new BsonBinary([]) }, { "ok", 1.0 } });
        }
        var address = CommandDispatcher.RemoteAddress(context.Connection);
        byte[] serverFinal;
        try
        {
            serverFinal = conversation.Continue(Payload(context.Command));
        }
        catch (MongoException)
        {
            context.Host.LoginLimiter.RecordFailure(address);
            LogFailed(Logger(context), conversation.UserName, conversation.Db, address?.ToString() ?? "?");
            throw;
        }
        context.Host.LoginLimiter.RecordSuccess(address);
        context.State.AddUser(conversation.AuthenticatedUser!);
        // Keep the conversation for the empty final step; done:true now, as mongod does with skipEmptyExchange.
        context.State.AddConversationWithId(id, conversation);
        return ValueTask.FromResult(new BsonDocument
        {
            { "conversationId", id },
            { "done", true },
            { "payload", new BsonBinary(serverFinal) },
            { "ok", 1.0 },
        });
    }

    private static ValueTask<BsonDocument> Logout(CommandContext context)
    {
        context.State.Users.RemoveAll(u => u.Db == context.Database);
        return ValueTask.FromResult(new BsonDocument("ok", 1.0));
    }

    private static ValueTask<BsonDocument> Authenticate(CommandContext context) =>
        throw new MongoException(ErrorCodes.AuthenticationFailed, "MONGODB-CR and X.509 authentication are not supported; use SCRAM");

    private static ReadOnlyMemory<byte> Payload(BsonDocument command)
    {
        if (!command.TryGetValue("payload", out var payload)) throw new MongoException(ErrorCodes.BadValue, "Missing SASL payload");
        if (payload is BsonBinary binary) return binary.Data;
        if (payload.IsString) return System.Text.Encoding.UTF8.GetBytes(payload.AsString);
        throw new MongoException(ErrorCodes.TypeMismatch, "SASL payload must be binary");
    }

    private static ILogger Logger(CommandContext context) => context.Host.LoggerFactory.CreateLogger("Outpost.Wire.Auth");

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "authentication failed for user {User} on {Db} from {Remote}")]
    private static partial void LogFailed(ILogger logger, string user, string db, string remote);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "authentication refused for {Remote}: too many failed logins")]
    private static partial void LogThrottled(ILogger logger, string remote);
}
