using Outpost.Bson;
using Outpost.Wire.Auth;
using Outpost.Wire.Commands.Authentication;
using Outpost.Wire.Compression;

namespace Outpost.Wire.Commands.Handshake;

/// <summary>
/// hello / isMaster / ismaster: a single-node replica-set primary, so drivers enable sessions, retryable writes,
/// transactions and change streams. Supports compression negotiation, saslSupportedMechs, speculativeAuthenticate
/// and the awaitable (and exhaust-streamed) hello of the SDAM monitoring protocol.
/// </summary>
public sealed class HandshakeCommands : ICommandFamily
{
    /// <summary>maxWireVersion: MongoDB 7.0.</summary>
    public const int MaxWireVersion = 21;

    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("hello", HelloAsync, Privilege.None));
        registry.Add(new CommandSpec("isMaster", HelloAsync, Privilege.None), "ismaster");
    }

    private static async ValueTask<BsonDocument> HelloAsync(CommandContext context)
    {
        var command = context.Command;
        var state = context.State;
        bool legacy = context.Name == "isMaster";
        if (command.TryGetValue("client", out var client) && client.IsDocument)
        {
            if (state.ClientMetadata is not null)
            {
                throw new MongoException(186, "ClientMetadataCannotBeMutated", "The client metadata document may only be sent in the first hello");
            }
            state.ClientMetadata = client.AsDocument;
            if (client.AsDocument.TryGetValue("application", out var app) && app.IsDocument && app.AsDocument.TryGetValue("name", out var name) && name.IsString)
            {
                state.AppName = name.AsString;
            }
        }
        var reply = Build(context, legacy);
        if (command.TryGetValue("compression", out var compression) && compression.IsArray)
        {
            var agreed = new BsonArray();
            foreach (var c in compression.AsArray)
            {
                if (c.IsString && MessageCompression.TryParse(c.AsString, out var id) && id != CompressorId.Noop) agreed.Add(c.AsString);
            }
            reply.Add("compression", agreed);
        }
        if (command.TryGetValue("saslSupportedMechs", out var mechs) && mechs.IsString)
        {
            string full = mechs.AsString;
            int dot = full.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0)
            {
                var user = await context.Host.Users.FindAsync(full[..dot], full[(dot + 1)..], context.CancellationToken).ConfigureAwait(false);
                if (user is not null) reply.Add("saslSupportedMechs", user.MechanismNames());
            }
        }
        if (command.TryGetValue("speculativeAuthenticate", out var spec) && spec.IsDocument)
        {
            var speculative = await AuthCommands.TrySpeculativeAsync(context, spec.AsDocument).ConfigureAwait(false);
            if (speculative is not null) reply.Add("speculativeAuthenticate", speculative);
        }
        if (CommandArgs.GetBool(command, "helloOk")) reply.Add("helloOk", true);

        // Awaitable hello: the topology of a single node never changes, so wait out maxAwaitTimeMS and answer.
        if (command.TryGetValue("topologyVersion", out var tv) && tv.IsDocument && command.Contains("maxAwaitTimeMS"))
        {
            long wait = CommandArgs.GetInt64(command, "maxAwaitTimeMS");
            bool sameProcess = tv.AsDocument.TryGetValue("processId", out var pid) && pid.IsObjectId && pid.AsObjectId == context.Host.ProcessId;
            if (sameProcess)
            {
                await WaitAsync(context, wait).ConfigureAwait(false);
                if (context.Request.ExhaustAllowed && context.Request.OpCode == Protocol.OpCode.Msg)
                {
                    // Stream a reply every maxAwaitTimeMS until the connection or server stops.
                    while (!context.Connection.Stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
                    {
                        await context.SendMoreToComeAsync(Build(context, legacy)).ConfigureAwait(false);
                        await WaitAsync(context, wait).ConfigureAwait(false);
                    }
                    return Build(context, legacy);
                }
                return Build(context, legacy);
            }
        }
        return reply;
    }

    private static async Task WaitAsync(CommandContext context, long milliseconds)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, context.Connection.Stopping);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(milliseconds, 0, 600_000)), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown or a closed connection ends the wait; the caller answers at once.
        }
    }

    private static BsonDocument Build(CommandContext context, bool legacy)
    {
        var host = context.Host;
        string me = host.Options.AdvertisedAddress;
        var now = host.ClusterTime();
        var nowDate = new BsonDateTime(host.Time.GetUtcNow());
        var opTime = new BsonDocument { { "ts", now }, { "t", 1L } };
        var reply = new BsonDocument
        {
            { legacy ? "ismaster" : "isWritablePrimary", true },
            { "topologyVersion", new BsonDocument { { "processId", host.ProcessId }, { "counter", 0L } } },
            { "hosts", new BsonArray { me } },
            { "setName", host.Options.ReplicaSetName },
            { "setVersion", 1 },
            { "secondary", false },
            { "primary", me },
            { "me", me },
            { "electionId", host.ElectionId },
            {
                "lastWrite", new BsonDocument
                {
                    { "opTime", opTime },
                    { "lastWriteDate", nowDate },
                    { "majorityOpTime", opTime.DeepClone() },
                    { "majorityWriteDate", nowDate },
                }
            },
            { "maxBsonObjectSize", 16 * 1024 * 1024 },
            { "maxMessageSizeBytes", host.Options.MaxMessageSize },
            { "maxWriteBatchSize", 100_000 },
            { "localTime", nowDate },
            { "logicalSessionTimeoutMinutes", 30 },
            { "connectionId", (int)context.Connection.Id },
            { "minWireVersion", 0 },
            { "maxWireVersion", MaxWireVersion },
            { "readOnly", false },
        };
        return reply;
    }
}
