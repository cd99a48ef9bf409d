using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Auth;
using Outpost.Wire.Buffers;
using Outpost.Wire.Commands.Queries;
using Outpost.Wire.Hosting;
using Outpost.Wire.Protocol;
using Outpost.Wire.Sessions;
using Outpost.Wire.Testing;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Commands;

/// <summary>
/// The request handler of the wire server: decodes the command, checks authorization and failpoints, runs the
/// command family's handler under maxTimeMS, maps errors once, adds cluster time, and writes the reply.
/// </summary>
public sealed partial class CommandDispatcher : IWireRequestHandler
{
    private readonly WireHost _host;
    private readonly CommandRegistry _registry;
    private readonly ILogger _logger;
    private readonly BsonReaderOptions _readerOptions;

    /// <summary>Creates a dispatcher over a filled registry.</summary>
    public CommandDispatcher(WireHost host, CommandRegistry registry)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _logger = host.LoggerFactory.CreateLogger("Outpost.Wire.Commands");
        // Commands may exceed 16 MiB by the command overhead (an insert of a maximal document), as in MongoDB.
        _readerOptions = new BsonReaderOptions { MaxDocumentSize = 16 * 1024 * 1024 + 16 * 1024 };
    }

    /// <summary>Hooks run around each command (sessions, transactions); set by the engine-backed families.</summary>
    public ICommandInterceptor? Interceptor { get; set; }

    /// <inheritdoc />
    public async ValueTask HandleAsync(WireConnection connection, WireRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        var state = connection.HandlerState as ConnectionState ?? new ConnectionState();
        connection.HandlerState = state;
        BsonDocument command = Decode(request, out string database, out var rawDocuments);
        var (reply, raw) = await ExecuteAsync(connection, request, state, command, rawDocuments, database, cancellationToken).ConfigureAwait(false);
        if (connection.Aborted.IsCancellationRequested) return;
        using var buffer = new PooledBufferWriter(1024);
        if (raw is not null)
        {
            raw.Write(buffer, _host.ClusterTime());
        }
        else
        {
            _host.Decorate(reply);
            BsonSerializer.Serialize(reply, buffer);
        }
        await connection.SendAsync(request, buffer.WrittenMemory, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void OnConnectionClosed(WireConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Interceptor?.OnConnectionClosed(connection);
    }

    private BsonDocument Decode(WireRequest request, out string database, out IReadOnlyList<ReadOnlyMemory<byte>>? rawDocuments)
    {
        BsonDocument command;
        rawDocuments = null;
        try
        {
            if (request.OpCode == OpCode.Msg && InsertDecoder.IsInsert(request.Body.Span))
            {
                command = InsertDecoder.Decode(request, _readerOptions, out rawDocuments);
            }
            else
            {
                command = BsonSerializer.Deserialize(request.Body.Span, _readerOptions);
            }
            foreach (var sequence in request.Sequences)
            {
                if (rawDocuments is not null && sequence.Identifier == "documents") continue;
                var array = new BsonArray();
                foreach (var doc in sequence.Split()) array.Add(BsonSerializer.Deserialize(doc.Span, _readerOptions));
                command.Set(sequence.Identifier, array);
            }
        }
        catch (BsonFormatException e)
        {
            throw new WireProtocolException("malformed BSON: " + e.Message, e);
        }
        if (request.OpCode == OpCode.Query)
        {
            // Legacy drivers may wrap the command as { $query: {...}, $readPreference: ... }.
            if (command.ElementCount > 0 && command.GetElement(0).Name is "$query" or "query" && command.GetElement(0).Value.IsDocument)
            {
                command = command.GetElement(0).Value.AsDocument;
            }
            string ns = request.FullCollectionName ?? "";
            int dot = ns.IndexOf('.', StringComparison.Ordinal);
            database = dot > 0 ? ns[..dot] : ns;
        }
        else
        {
            database = command.TryGetValue("$db", out var db) && db.IsString ? db.AsString : "";
        }
        return command;
    }

    private async Task<(BsonDocument Reply, RawCursorReply? Raw)> ExecuteAsync(WireConnection connection, WireRequest request, ConnectionState state,
        BsonDocument command, IReadOnlyList<ReadOnlyMemory<byte>>? rawDocuments, string database, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        string sentName = command.ElementCount > 0 ? command.GetElement(0).Name : "";
        string metricName = sentName;
        CommandSpec? spec = null;
        BsonDocument? writeConcernError = null;
        IReadOnlyList<string>? forcedLabels = null;
        bool failed = false;
        RunningOperation? operation = null;
        Outpost.Engine.DocumentRestriction? restriction = null;
        try
        {
            if (command.ElementCount == 0) throw new MongoException(ErrorCodes.FailedToParse, "Empty command");
            if (!_registry.TryGet(sentName, out spec))
            {
                metricName = "<unknown>";
                throw new MongoException(ErrorCodes.CommandNotFound, $"no such command: '{sentName}'");
            }
            metricName = spec.Name;
            if (request.OpCode == OpCode.Msg && database.Length == 0)
            {
                throw new MongoException(40571, "Location40571", "OP_MSG requests require a $db argument");
            }
            restriction = await AuthorizeAsync(spec, state, command, database, cancellationToken).ConfigureAwait(false);
            if (_host.FailPoints.AnyActive && spec.Name != "configureFailPoint")
            {
                string? ns = command.GetElement(0).Value.IsString ? $"{database}.{command.GetElement(0).Value.AsString}" : null;
                var action = _host.FailPoints.Evaluate(spec.Name, state.AppName, ns);
                if (action is not null)
                {
                    if (action.BlockTimeMS > 0) await Task.Delay(action.BlockTimeMS, cancellationToken).ConfigureAwait(false);
                    if (action.CloseConnection)
                    {
                        connection.Abort();
                        return ([], null);
                    }
                    if (action.ErrorCode is int code)
                    {
                        forcedLabels = action.ErrorLabels;
                        var error = new MongoException(code, CodeNames.NameOf(code, null), $"Failing command {spec.Name} via 'failCommand' failpoint");
                        if (action.ErrorExtraInfo is not null)
                        {
                            error = new MongoException(code, CodeNames.NameOf(code, null), error.Message)
                            {
                                Details = [.. action.ErrorExtraInfo.Select(e => new KeyValuePair<string, object?>(e.Name, e.Value))],
                            };
                        }
                        throw error;
                    }
                    writeConcernError = action.WriteConcernError;
                    forcedLabels = action.ErrorLabels;
                }
            }
            operation = _host.Operations.Start(connection.Id, connection.RemoteAddressText, state.AppName, database, command, cancellationToken);
            var context = new CommandContext
            {
                Host = _host,
                Connection = connection,
                Request = request,
                State = state,
                Command = command,
                RawDocuments = rawDocuments,
                Name = spec.Name,
                Database = database,
                CancellationToken = operation.Token,
                Restriction = restriction,
            };
            BsonDocument reply = await RunWithTimeLimitAsync(spec, context, command, operation.Token).ConfigureAwait(false);
            if (restriction is not null) LogRestrictedWriteErrors(state, spec.Name, restriction, reply);
            var raw = context.RawReply;
            if (!reply.Contains("ok")) reply.Add("ok", 1.0);
            if (writeConcernError is not null)
            {
                if (raw is not null)
                {
                    reply = raw.ToDocument();
                    raw = null;
                }
                reply.Set("writeConcernError", writeConcernError.DeepClone());
                var labels = forcedLabels ?? LabelsForWriteConcernError(spec, command, writeConcernError);
                if (labels.Count > 0) reply.Set("errorLabels", new BsonArray(labels.Select(l => (BsonValue)l)));
            }
            return (reply, raw);
        }
        catch (MongoException e)
        {
            failed = true;
            if (restriction is not null && e.Code == ErrorCodes.Unauthorized) LogDenied(_logger, UserNames(state), metricName, restriction.Namespace, e.Message);
            var labels = forcedLabels ?? ErrorLabels(e, spec, command);
            return (ErrorReply.From(e, labels), null);
        }
        catch (OperationCanceledException) when (operation is { Killed: true } && !cancellationToken.IsCancellationRequested)
        {
            failed = true;
            return (ErrorReply.From(new MongoException(ErrorCodes.Interrupted, "operation was interrupted"), []), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failed = true;
            return (ErrorReply.From(new MongoException(ErrorCodes.InterruptedAtShutdown, "interrupted at shutdown"), []), null);
        }
        catch (Exception e) when (e is not (WireProtocolException or IOException))
        {
            failed = true;
            LogCommandFailed(_logger, metricName, e);
            return (ErrorReply.From(new MongoException(ErrorCodes.InternalError, e.Message), []), null);
        }
        finally
        {
            operation?.Dispose();
            _host.Metrics.RecordCommand(metricName, Stopwatch.GetElapsedTime(started), failed);
        }
    }

    private async Task<BsonDocument> RunWithTimeLimitAsync(CommandSpec spec, CommandContext context, BsonDocument command, CancellationToken cancellationToken)
    {
        // getMore's maxTimeMS is the awaitData wait of a tailable cursor, not a time limit.
        long maxTimeMS = spec.Name != "getMore" && command.TryGetValue("maxTimeMS", out var mt) && mt.IsNumeric ? mt.ToInt64() : 0;
        if (maxTimeMS < 0) throw new MongoException(ErrorCodes.BadValue, "maxTimeMS must be non-negative");
        if (maxTimeMS > 0 && _host.FailPoints.AnyActive && _host.FailPoints.MaxTimeAlwaysTimesOut())
        {
            throw new MongoException(ErrorCodes.MaxTimeMSExpired, "operation exceeded time limit");
        }
        var interceptor = Interceptor;
        if (maxTimeMS == 0)
        {
            return interceptor is null ? await spec.Handler(context).ConfigureAwait(false) : await interceptor.RunAsync(spec, context).ConfigureAwait(false);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMilliseconds(maxTimeMS));
        var limited = new CommandContext
        {
            Host = context.Host,
            Connection = context.Connection,
            Request = context.Request,
            State = context.State,
            Command = context.Command,
            // A handler that outlives its time limit keeps running after the request's pooled memory is returned.
            RawDocuments = InsertDecoder.Detach(context.RawDocuments),
            Name = context.Name,
            Database = context.Database,
            CancellationToken = limit.Token,
            Restriction = context.Restriction,
        };
        try
        {
            var task = interceptor is null ? spec.Handler(limited) : interceptor.RunAsync(spec, limited);
            var reply = await task.AsTask().WaitAsync(limit.Token).ConfigureAwait(false);
            context.RawReply = limited.RawReply;
            return reply;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MongoException(ErrorCodes.MaxTimeMSExpired, "operation exceeded time limit");
        }
    }

    /// <summary>
    /// Checks the caller may run the command; returns the document restriction its privileges carry on the command's
    /// namespace (decision 026) after ANDing it into the command's queries, or null when unrestricted. Denials are logged.
    /// </summary>
    private async ValueTask<Outpost.Engine.DocumentRestriction?> AuthorizeAsync(CommandSpec spec, ConnectionState state, BsonDocument command, string database, CancellationToken cancellationToken)
    {
        if (!_host.Options.AuthenticationRequired || spec.Privilege == Privilege.None) return null;
        if (state.Users.Count == 0)
        {
            // The localhost exception: with no users at all, a loopback client may create the first one.
            if (spec.Name == "createUser" && !await _host.Users.AnyAsync(cancellationToken).ConfigureAwait(false)) return null;
            LogDenied(_logger, "(unauthenticated)", spec.Name, database, "authentication required");
            throw new MongoException(ErrorCodes.Unauthorized, $"Command {spec.Name} requires authentication");
        }
        if (Wire.Auth.Authorization.IsAllowed(state.Roles, spec.Privilege, database)) return null;
        var (allowed, restriction, collection) = await AuthorizeByUserDefinedRolesAsync(spec, state, command, database, cancellationToken).ConfigureAwait(false);
        if (!allowed)
        {
            LogDenied(_logger, UserNames(state), spec.Name, database, "no privilege grants it");
            throw new MongoException(ErrorCodes.Unauthorized, $"not authorized on {database} to execute command {{ {spec.Name}: ... }}");
        }
        if (restriction is null) return null;
        try
        {
            Wire.Auth.RestrictedCommand.Apply(spec.Name, command, restriction);
        }
        catch (MongoException e) when (e.Code == ErrorCodes.Unauthorized)
        {
            LogDenied(_logger, UserNames(state), spec.Name, $"{database}.{collection}", e.Message);
            throw;
        }
        return new Outpost.Engine.DocumentRestriction($"{database}.{collection}", restriction);
    }

    /// <summary>
    /// User-defined roles (createRole) grant actions on collections or views; they are looked up only when the
    /// built-in roles refused, so users with built-in roles pay nothing. Read from the store each time, so a dropped
    /// role or privilege takes effect at once.
    /// </summary>
    private async ValueTask<(bool Allowed, BsonDocument? Restriction, string? Collection)> AuthorizeByUserDefinedRolesAsync(CommandSpec spec, ConnectionState state,
        BsonDocument command, string database, CancellationToken cancellationToken)
    {
        bool anyUserDefined = false;
        foreach (var grant in state.Roles)
        {
            if (!Wire.Auth.Authorization.IsBuiltInRole(grant.Role)) anyUserDefined = true;
        }
        if (!anyUserDefined) return (false, null, null);
        var (builtIn, privileges) = await Wire.Auth.RoleResolver.ResolveAsync(_host.Users, state.Roles, cancellationToken).ConfigureAwait(false);
        if (Wire.Auth.Authorization.IsAllowed(builtIn, spec.Privilege, database)) return (true, null, null);
        if (Wire.Auth.RequiredActions.For(spec.Name, command) is not { } required) return (false, null, null);
        bool allowed = Wire.Auth.RoleResolver.TryAuthorize(privileges, required.Actions, database, required.Collection, out var restriction);
        if (allowed && Wire.Auth.RestrictedCommand.PipelineOf(spec.Name, command) is { } pipeline)
        {
            // The collections the pipeline joins or unions need find too, and carry their own restrictions.
            Wire.Auth.RestrictedCommand.RestrictSources(pipeline, source =>
            {
                if (Wire.Auth.RoleResolver.TryAuthorize(privileges, ["find"], database, source, out var sourceRestriction)) return sourceRestriction;
                LogDenied(_logger, UserNames(state), spec.Name, $"{database}.{source}", "no find privilege on a source of the pipeline");
                throw new MongoException(ErrorCodes.Unauthorized, $"not authorized on {database} to execute command {{ {spec.Name}: ... }}: no find privilege on {source}");
            });
        }
        return (allowed, restriction, required.Collection);
    }

    private void LogRestrictedWriteErrors(ConnectionState state, string command, Outpost.Engine.DocumentRestriction restriction, BsonDocument reply)
    {
        if (!reply.TryGetValue("writeErrors", out var errors) || errors is not BsonArray array) return;
        foreach (var error in array)
        {
            if (error is BsonDocument e && e.TryGetValue("code", out var code) && code.IsNumeric && code.ToInt64() == ErrorCodes.Unauthorized)
            {
                LogDenied(_logger, UserNames(state), command, restriction.Namespace, e.TryGetValue("errmsg", out var m) && m.IsString ? m.AsString : "write outside outpostFilter");
            }
        }
    }

    private static string UserNames(ConnectionState state)
    {
        var names = new List<string>(state.Users.Count);
        foreach (var user in state.Users) names.Add($"{user.User}@{user.Db}");
        return string.Join(",", names);
    }

    /// <summary>Error labels MongoDB assigns: RetryableWriteError, TransientTransactionError, UnknownTransactionCommitResult.</summary>
    private static List<string> ErrorLabels(MongoException error, CommandSpec? spec, BsonDocument command)
    {
        var labels = new List<string>(error.ErrorLabels);
        if (spec is null) return labels;
        bool inTransaction = command.TryGetValue("autocommit", out var ac) && ac.IsBoolean && !ac.AsBoolean;
        bool hasTxnNumber = command.Contains("txnNumber");
        bool isCommit = spec.Name == "commitTransaction";
        bool isAbort = spec.Name == "abortTransaction";
        bool retryable = ErrorReply.IsRetryableCode(error.Code);
        if (retryable && hasTxnNumber && ((spec.IsWrite && !inTransaction) || isCommit || isAbort)) Add(labels, "RetryableWriteError");
        if (isCommit && (retryable || error.Code is 50 or 64))
        {
            Add(labels, "UnknownTransactionCommitResult");
        }
        else if (inTransaction && !isCommit && !isAbort && (retryable || error.Code is ErrorCodes.WriteConflict or ErrorCodes.LockTimeout or ErrorCodes.NoSuchTransaction))
        {
            Add(labels, "TransientTransactionError");
        }
        else if (isCommit && error.Code == ErrorCodes.NoSuchTransaction)
        {
            Add(labels, "TransientTransactionError");
        }
        return labels;
    }

    private static List<string> LabelsForWriteConcernError(CommandSpec spec, BsonDocument command, BsonDocument writeConcernError)
    {
        var labels = new List<string>();
        int code = writeConcernError.TryGetValue("code", out var c) && c.IsNumeric ? (int)c.ToInt64() : 0;
        bool hasTxnNumber = command.Contains("txnNumber");
        bool inTransaction = command.TryGetValue("autocommit", out var ac) && ac.IsBoolean && !ac.AsBoolean;
        if (ErrorReply.IsRetryableCode(code) && hasTxnNumber && ((spec.IsWrite && !inTransaction) || spec.Name is "commitTransaction" or "abortTransaction"))
        {
            labels.Add("RetryableWriteError");
        }
        if (spec.Name == "commitTransaction" && (ErrorReply.IsRetryableCode(code) || code is 64 or 50)) labels.Add("UnknownTransactionCommitResult");
        return labels;
    }

    private static void Add(List<string> labels, string label)
    {
        if (!labels.Contains(label)) labels.Add(label);
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "authorization denied: {User} ran {Command} on {Namespace}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string user, string command, string @namespace, string reason);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "command {Command} failed unexpectedly")]
    private static partial void LogCommandFailed(ILogger logger, string command, Exception exception);

    internal static IPAddress? RemoteAddress(WireConnection connection) => (connection.RemoteEndPoint as IPEndPoint)?.Address;
}
