using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Auth;
using Outpost.Wire.Commands.Queries;
using Outpost.Wire.Cursors;

namespace Outpost.Wire.Commands.Catalog;

/// <summary>listDatabases, listCollections, create, drop, dropDatabase, renameCollection, collMod, dbStats, collStats, validate, profile.</summary>
public sealed class CatalogCommands(EngineServices services) : ICommandFamily
{
    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("listDatabases", ListDatabasesAsync, Privilege.Authenticated));
        registry.Add(new CommandSpec("listCollections", ListCollectionsAsync, Privilege.Read));
        registry.Add(new CommandSpec("create", CreateAsync, Privilege.Write));
        registry.Add(new CommandSpec("drop", DropAsync, Privilege.Write));
        registry.Add(new CommandSpec("dropDatabase", DropDatabaseAsync, Privilege.DbAdmin));
        registry.Add(new CommandSpec("renameCollection", RenameAsync, Privilege.Write));
        registry.Add(new CommandSpec("collMod", CollModAsync, Privilege.DbAdmin));
        registry.Add(new CommandSpec("dbStats", DbStatsAsync, Privilege.Read), "dbstats");
        registry.Add(new CommandSpec("collStats", CollStatsAsync, Privilege.Read), "collstats");
        registry.Add(new CommandSpec("validate", ValidateAsync, Privilege.DbAdmin));
        registry.Add(new CommandSpec("profile", Profile, Privilege.DbAdmin));
    }

    private async ValueTask<BsonDocument> ListDatabasesAsync(CommandContext context)
    {
        var command = context.Command;
        bool nameOnly = CommandArgs.GetBool(command, "nameOnly");
        var filter = CommandArgs.GetDocument(command, "filter");
        var all = await services.Engine.ListDatabasesAsync(context.CancellationToken).ConfigureAwait(false);
        var databases = new BsonArray();
        long total = 0;
        foreach (var db in all)
        {
            if (filter is not null && filter.TryGetValue("name", out var wanted) && wanted.IsString && wanted.AsString != db["name"].AsString) continue;
            if (context.Host.Options.AuthenticationRequired && CommandArgs.GetBool(command, "authorizedDatabases", true)
                && !Wire.Auth.Authorization.IsAllowed(context.State.Roles, Privilege.Read, db["name"].AsString)) continue;
            total += db.TryGetValue("sizeOnDisk", out var size) && size.IsNumeric ? size.ToInt64() : 0;
            databases.Add(nameOnly ? new BsonDocument("name", db["name"]) : db);
        }
        var reply = new BsonDocument("databases", databases);
        if (!nameOnly)
        {
            reply.Add("totalSize", total);
            reply.Add("totalSizeMb", total / (1024 * 1024));
        }
        return reply;
    }

    private async ValueTask<BsonDocument> ListCollectionsAsync(CommandContext context)
    {
        var command = context.Command;
        var database = services.Engine.GetDatabase(context.Database);
        var list = await database.ListCollectionsAsync(CommandArgs.GetDocument(command, "filter"), CommandArgs.GetBool(command, "nameOnly"), context.Operation, context.CancellationToken).ConfigureAwait(false);
        string ns = $"{context.Database}.$cmd.listCollections";
        return await CursorReplies.FirstBatchAsync(context, services.Cursors, new ListCursor(ns, list), ns,
            CursorReplies.BatchSize(CommandArgs.GetDocument(command, "cursor"))).ConfigureAwait(false);
    }

    private async ValueTask<BsonDocument> CreateAsync(CommandContext context)
    {
        var options = CreateCollectionOptions.FromCommand(context.Command);
        await services.Engine.GetDatabase(context.Database).CreateCollectionAsync(context.CollectionName, options, context.Operation, context.CancellationToken).ConfigureAwait(false);
        return [];
    }

    private async ValueTask<BsonDocument> DropAsync(CommandContext context)
    {
        string name = context.CollectionName;
        await services.Engine.GetDatabase(context.Database).DropCollectionAsync(name, context.Operation, context.CancellationToken).ConfigureAwait(false);
        // MongoDB 7.0 reports success for a collection that did not exist.
        return new BsonDocument("ns", context.Namespace);
    }

    private async ValueTask<BsonDocument> DropDatabaseAsync(CommandContext context)
    {
        await services.Engine.GetDatabase(context.Database).DropAsync(context.Operation, context.CancellationToken).ConfigureAwait(false);
        return new BsonDocument("dropped", context.Database);
    }

    private async ValueTask<BsonDocument> RenameAsync(CommandContext context)
    {
        if (context.Database != "admin") throw new MongoException(ErrorCodes.Unauthorized, "renameCollection may only be run against the admin database.");
        string from = context.Argument.IsString ? context.Argument.AsString : throw new MongoException(ErrorCodes.TypeMismatch, "renameCollection must be a string namespace");
        string to = CommandArgs.GetString(context.Command, "to") ?? throw new MongoException(ErrorCodes.FailedToParse, "renameCollection requires 'to'");
        var (fromDb, fromColl) = Split(from);
        var (toDb, toColl) = Split(to);
        await services.Engine.GetDatabase(fromDb).RenameCollectionAsync(fromColl, toDb, toColl, CommandArgs.GetBool(context.Command, "dropTarget"), context.Operation, context.CancellationToken).ConfigureAwait(false);
        return [];
    }

    private static (string Db, string Collection) Split(string ns)
    {
        int dot = ns.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == ns.Length - 1) throw new MongoException(ErrorCodes.InvalidNamespace, $"Invalid namespace specified '{ns}'");
        return (ns[..dot], ns[(dot + 1)..]);
    }

    private async ValueTask<BsonDocument> CollModAsync(CommandContext context) =>
        await services.Engine.GetDatabase(context.Database).CollModAsync(context.CollectionName, context.Command, context.Operation, context.CancellationToken).ConfigureAwait(false);

    private async ValueTask<BsonDocument> DbStatsAsync(CommandContext context) =>
        await services.Engine.GetDatabase(context.Database).StatsAsync(Scale(context.Command), context.CancellationToken).ConfigureAwait(false);

    private async ValueTask<BsonDocument> CollStatsAsync(CommandContext context) =>
        await services.Engine.GetDatabase(context.Database).GetCollection(context.CollectionName).StatsAsync(Scale(context.Command), context.CancellationToken).ConfigureAwait(false);

    private async ValueTask<BsonDocument> ValidateAsync(CommandContext context)
    {
        var collection = services.Engine.GetDatabase(context.Database).GetCollection(context.CollectionName);
        var stats = await collection.StatsAsync(1, context.CancellationToken).ConfigureAwait(false);
        var indexes = await collection.ListIndexesAsync(context.Operation, context.CancellationToken).ConfigureAwait(false);
        long count = stats.TryGetValue("count", out var c) && c.IsNumeric ? c.ToInt64() : 0;
        var keysPerIndex = new BsonDocument();
        foreach (var index in indexes) keysPerIndex.Add(index["name"].AsString, count);
        return new BsonDocument
        {
            { "ns", context.Namespace },
            { "nInvalidDocuments", 0 },
            { "nNonCompliantDocuments", 0 },
            { "nrecords", count },
            { "nIndexes", indexes.Count },
            { "keysPerIndex", keysPerIndex },
            { "valid", true },
            { "repaired", false },
            { "warnings", new BsonArray() },
            { "errors", new BsonArray() },
            { "extraIndexEntries", new BsonArray() },
            { "missingIndexEntries", new BsonArray() },
        };
    }

    private async ValueTask<BsonDocument> Profile(CommandContext context)
    {
        // The engine's profiler (engine-ext) owns the settings and system.profile; the reply's "ok" is added by the dispatcher.
        var reply = await services.Engine.GetDatabase(context.Database).ProfileAsync(context.Command, context.CancellationToken).ConfigureAwait(false);
        reply.Remove("ok");
        return reply;
    }

    private static int Scale(BsonDocument command)
    {
        long scale = CommandArgs.GetInt64(command, "scale", 1);
        if (scale < 1) throw new MongoException(ErrorCodes.BadValue, "Scale factor must be a positive number");
        return (int)Math.Min(scale, int.MaxValue);
    }
}
