using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Auth;
using Outpost.Wire.Commands.Queries;
using Outpost.Wire.Cursors;

namespace Outpost.Wire.Commands.Indexes;

/// <summary>createIndexes, listIndexes, dropIndexes.</summary>
public sealed class IndexCommands(EngineServices services) : ICommandFamily
{
    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("createIndexes", CreateIndexesAsync, Privilege.Write));
        registry.Add(new CommandSpec("listIndexes", ListIndexesAsync, Privilege.Read));
        registry.Add(new CommandSpec("dropIndexes", DropIndexesAsync, Privilege.Write), "deleteIndexes");
    }

    private Collection CollectionOf(CommandContext context) => services.Engine.GetDatabase(context.Database).GetCollection(context.CollectionName);

    private async ValueTask<BsonDocument> CreateIndexesAsync(CommandContext context)
    {
        var specs = CommandArgs.GetArray(context.Command, "indexes") ?? throw new MongoException(ErrorCodes.FailedToParse, "BSON field 'createIndexes.indexes' is missing but a required field");
        if (specs.Count == 0) throw new MongoException(ErrorCodes.BadValue, "Must specify at least one index to create");
        var models = new List<IndexModel>(specs.Count);
        foreach (var spec in specs)
        {
            models.Add(IndexModel.FromDocument(spec as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "index specs must be objects")));
        }
        var result = await CollectionOf(context).CreateIndexesAsync(models, context.Operation, context.CancellationToken).ConfigureAwait(false);
        var reply = new BsonDocument
        {
            { "numIndexesBefore", result.NumIndexesBefore },
            { "numIndexesAfter", result.NumIndexesAfter },
            { "createdCollectionAutomatically", result.CreatedCollectionAutomatically },
        };
        if (result.Note is not null) reply.Add("note", result.Note);
        return reply;
    }

    private async ValueTask<BsonDocument> ListIndexesAsync(CommandContext context)
    {
        var list = await CollectionOf(context).ListIndexesAsync(context.Operation, context.CancellationToken).ConfigureAwait(false);
        return await CursorReplies.FirstBatchAsync(context, services.Cursors, new ListCursor(context.Namespace, list), context.Namespace,
            CursorReplies.BatchSize(CommandArgs.GetDocument(context.Command, "cursor"))).ConfigureAwait(false);
    }

    private async ValueTask<BsonDocument> DropIndexesAsync(CommandContext context)
    {
        if (!context.Command.TryGetValue("index", out var index)) throw new MongoException(ErrorCodes.FailedToParse, "BSON field 'dropIndexes.index' is missing but a required field");
        int was = await CollectionOf(context).DropIndexesAsync(index, context.Operation, context.CancellationToken).ConfigureAwait(false);
        return new BsonDocument("nIndexesWas", was);
    }
}
