using Outpost.Bson;
using Outpost.Engine;
using Outpost.Bson.Serialization;
using Outpost.Wire.Auth;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Commands.Crud;

/// <summary>insert, update, delete, findAndModify: write commands with writeErrors (index, code, errmsg, keyPattern/keyValue).</summary>
public sealed class CrudCommands(EngineServices services) : ICommandFamily
{
    /// <summary>MongoDB's maxWriteBatchSize.</summary>
    public const int MaxWriteBatchSize = 100_000;

    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("insert", InsertAsync, Privilege.Write, IsWrite: true));
        registry.Add(new CommandSpec("update", UpdateAsync, Privilege.Write, IsWrite: true));
        registry.Add(new CommandSpec("delete", DeleteAsync, Privilege.Write, IsWrite: true));
        registry.Add(new CommandSpec("findAndModify", FindAndModifyAsync, Privilege.Write, IsWrite: true), "findandmodify");
    }

    private Collection CollectionOf(CommandContext context) => services.Engine.GetDatabase(context.Database).GetCollection(context.CollectionName);

    private async ValueTask<BsonDocument> InsertAsync(CommandContext context)
    {
        var command = context.Command;
        WriteResult result;
        if (context.RawDocuments is { } raw)
        {
            // Still encoded: the engine stores them as they came. It validates them first; a malformed one closes the
            // connection, as a failed decode of the command does.
            CheckBatch(raw.Count);
            try
            {
                result = await CollectionOf(context).InsertRawAsync(raw, InsertOptionsOf(command, context), context.Operation, context.CancellationToken).ConfigureAwait(false);
            }
            catch (BsonFormatException e)
            {
                throw new WireProtocolException("malformed BSON: " + e.Message, e);
            }
        }
        else
        {
            var array = CommandArgs.GetArray(command, "documents") ?? throw new MongoException(ErrorCodes.FailedToParse, "BSON field 'insert.documents' is missing but a required field");
            CheckBatch(array.Count);
            var documents = new List<BsonDocument>(array.Count);
            foreach (var d in array)
            {
                documents.Add(d as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "insert documents must be objects"));
            }
            result = await CollectionOf(context).InsertAsync(documents, InsertOptionsOf(command, context), context.Operation, context.CancellationToken).ConfigureAwait(false);
        }
        var reply = new BsonDocument("n", (int)result.N);
        AddWriteErrors(reply, result);
        return reply;
    }

    private static InsertOptions InsertOptionsOf(BsonDocument command, CommandContext context) => new()
    {
        Ordered = CommandArgs.GetBool(command, "ordered", true),
        BypassDocumentValidation = CommandArgs.GetBool(command, "bypassDocumentValidation"),
        Restriction = context.Restriction,
    };

    private async ValueTask<BsonDocument> UpdateAsync(CommandContext context)
    {
        var command = context.Command;
        var array = CommandArgs.GetArray(command, "updates") ?? throw new MongoException(ErrorCodes.FailedToParse, "BSON field 'update.updates' is missing but a required field");
        CheckBatch(array.Count);
        var statements = new List<UpdateStatement>(array.Count);
        foreach (var v in array)
        {
            var s = v as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "update statements must be objects");
            CheckFields(s, "update.updates", UpdateStatementFields);
            if (!s.TryGetValue("u", out var u) || !(u.IsDocument || u.IsArray)) throw new MongoException(ErrorCodes.FailedToParse, "BSON field 'update.updates.u' is missing but a required field");
            s.TryGetValue("hint", out var hint);
            statements.Add(new UpdateStatement
            {
                Filter = CommandArgs.GetDocument(s, "q") ?? [],
                Update = u,
                Multi = CommandArgs.GetBool(s, "multi"),
                Upsert = CommandArgs.GetBool(s, "upsert"),
                ArrayFilters = CommandArgs.GetArray(s, "arrayFilters"),
                Collation = CommandArgs.GetDocument(s, "collation"),
                Hint = hint is null || hint.IsNull ? null : hint,
            });
        }
        var options = new UpdateOptions
        {
            Ordered = CommandArgs.GetBool(command, "ordered", true),
            BypassDocumentValidation = CommandArgs.GetBool(command, "bypassDocumentValidation"),
            Let = CommandArgs.GetDocument(command, "let"),
            Restriction = context.Restriction,
        };
        var result = await CollectionOf(context).UpdateAsync(statements, options, context.Operation, context.CancellationToken).ConfigureAwait(false);
        var reply = new BsonDocument { { "n", (int)result.N }, { "nModified", (int)result.NModified } };
        if (result.Upserted.Count > 0)
        {
            var upserted = new BsonArray();
            foreach (var u in result.Upserted) upserted.Add(new BsonDocument { { "index", u.Index }, { "_id", u.Id } });
            reply.Add("upserted", upserted);
        }
        AddWriteErrors(reply, result);
        return reply;
    }

    private async ValueTask<BsonDocument> DeleteAsync(CommandContext context)
    {
        var command = context.Command;
        var array = CommandArgs.GetArray(command, "deletes") ?? throw new MongoException(ErrorCodes.FailedToParse, "BSON field 'delete.deletes' is missing but a required field");
        CheckBatch(array.Count);
        var statements = new List<DeleteStatement>(array.Count);
        foreach (var v in array)
        {
            var s = v as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "delete statements must be objects");
            CheckFields(s, "delete.deletes", DeleteStatementFields);
            long limit = CommandArgs.GetInt64(s, "limit", -1);
            if (limit is not (0 or 1)) throw new MongoException(ErrorCodes.FailedToParse, "The limit field in delete objects must be 0 or 1.");
            s.TryGetValue("hint", out var hint);
            statements.Add(new DeleteStatement
            {
                Filter = CommandArgs.GetDocument(s, "q") ?? throw new MongoException(ErrorCodes.FailedToParse, "BSON field 'delete.deletes.q' is missing but a required field"),
                Limit = (int)limit,
                Collation = CommandArgs.GetDocument(s, "collation"),
                Hint = hint is null || hint.IsNull ? null : hint,
            });
        }
        var options = new DeleteOptions { Ordered = CommandArgs.GetBool(command, "ordered", true), Let = CommandArgs.GetDocument(command, "let") };
        var result = await CollectionOf(context).DeleteAsync(statements, options, context.Operation, context.CancellationToken).ConfigureAwait(false);
        var reply = new BsonDocument("n", (int)result.N);
        AddWriteErrors(reply, result);
        return reply;
    }

    private async ValueTask<BsonDocument> FindAndModifyAsync(CommandContext context)
    {
        var command = context.Command;
        bool remove = CommandArgs.GetBool(command, "remove");
        command.TryGetValue("update", out var update);
        if (update is not null && update.IsNull) update = null;
        if (remove && update is not null) throw new MongoException(ErrorCodes.FailedToParse, "Cannot specify both an update and remove=true");
        if (!remove && update is null) throw new MongoException(ErrorCodes.FailedToParse, "Either an update or remove=true must be specified");
        if (remove && CommandArgs.GetBool(command, "new")) throw new MongoException(ErrorCodes.FailedToParse, "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
        if (remove && CommandArgs.GetBool(command, "upsert")) throw new MongoException(ErrorCodes.FailedToParse, "Cannot specify both upsert=true and remove=true");
        command.TryGetValue("hint", out var hint);
        var options = new FindAndModifyOptions
        {
            Query = CommandArgs.GetDocument(command, "query") ?? [],
            Sort = CommandArgs.GetDocument(command, "sort"),
            Remove = remove,
            Update = update,
            ReturnNew = CommandArgs.GetBool(command, "new"),
            Fields = CommandArgs.GetDocument(command, "fields"),
            Upsert = CommandArgs.GetBool(command, "upsert"),
            ArrayFilters = CommandArgs.GetArray(command, "arrayFilters"),
            Collation = CommandArgs.GetDocument(command, "collation"),
            Hint = hint is null || hint.IsNull ? null : hint,
            Let = CommandArgs.GetDocument(command, "let"),
            BypassDocumentValidation = CommandArgs.GetBool(command, "bypassDocumentValidation"),
            Restriction = context.Restriction,
        };
        var result = await CollectionOf(context).FindAndModifyAsync(options, context.Operation, context.CancellationToken).ConfigureAwait(false);
        return new BsonDocument
        {
            { "lastErrorObject", result.LastErrorObject() },
            { "value", (BsonValue?)result.Value ?? BsonNull.Value },
            { "ok", 1.0 },
        };
    }

    private static readonly HashSet<string> UpdateStatementFields = new(StringComparer.Ordinal)
    {
        "q", "u", "c", "upsert", "multi", "arrayFilters", "hint", "collation", "upsertSupplied", "sampleId",
    };

    private static readonly HashSet<string> DeleteStatementFields = new(StringComparer.Ordinal) { "q", "limit", "hint", "collation", "sampleId" };

    /// <summary>MongoDB 7.0 parses statements strictly (IDL): an unknown field such as 8.0's 'sort' is error 40415.</summary>
    private static void CheckFields(BsonDocument statement, string path, HashSet<string> allowed)
    {
        foreach (var element in statement)
        {
            if (!allowed.Contains(element.Name))
            {
                throw new MongoException(40415, "Location40415", $"BSON field '{path}.{element.Name}' is an unknown field.");
            }
        }
    }

    private static void CheckBatch(int count)
    {
        if (count > MaxWriteBatchSize)
        {
            throw new MongoException(ErrorCodes.InvalidLength, $"Write batch sizes must be between 1 and {MaxWriteBatchSize}. Got {count} operations.");
        }
    }

    /// <summary>Adds <c>writeErrors</c> as MongoDB shapes them (index, code, codeName?, errmsg, keyPattern/keyValue, errInfo).</summary>
    public static void AddWriteErrors(BsonDocument reply, WriteResult result)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(result);
        if (!result.HasErrors) return;
        var errors = new BsonArray(result.WriteErrors.Count);
        foreach (var e in result.WriteErrors) errors.Add(e.ToBsonDocument());
        reply.Add("writeErrors", errors);
    }
}
