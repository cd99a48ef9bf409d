using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Pipeline;

namespace Outpost.Engine.Query;

/// <summary>
/// The database side of an aggregation: other collections for $lookup/$unionWith/$graphLookup, and the stages that
/// need storage ($out, $merge, $collStats, $indexStats). Runs in the operation's context (its transaction, if any).
/// </summary>
internal sealed class EnginePipelineHost : IPipelineHost
{
    private readonly Database _database;
    private readonly Collection _collection;
    private readonly OperationContext _context;
    private readonly bool _bypassValidation;

    public EnginePipelineHost(Collection collection, OperationContext context, bool bypassValidation)
    {
        _database = collection.Database;
        _collection = collection;
        _context = context;
        _bypassValidation = bypassValidation;
    }

    public async IAsyncEnumerable<BsonDocument> ReadCollectionAsync(string? database, string collection, BsonDocument? filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var db = database is null ? _database : _database.Engine.GetDatabase(database);
        var cursor = await db.GetCollection(collection).FindAsync(new FindOptions { Filter = filter ?? [] }, _context, cancellationToken).ConfigureAwait(false);
        await using (((IAsyncDisposable)cursor).ConfigureAwait(false))
        {
            await foreach (var doc in cursor.WithCancellation(cancellationToken).ConfigureAwait(false)) yield return doc;
        }
    }

    public bool SupportsStage(string stageName) => stageName is "$out" or "$merge" or "$collStats" or "$indexStats" or "$geoNear";

    public IAsyncEnumerable<BsonDocument> ExecuteStageAsync(string stageName, BsonValue specification, IAsyncEnumerable<BsonDocument> input, CancellationToken cancellationToken) =>
        stageName switch
        {
            "$out" => OutAsync(specification, input, cancellationToken),
            "$merge" => MergeAsync(specification, input, cancellationToken),
            "$collStats" => CollStatsAsync(specification, cancellationToken),
            "$indexStats" => IndexStatsAsync(cancellationToken),
            "$geoNear" => Indexes.Geo.GeoNearStage.ExecuteAsync(_collection, specification, _context, cancellationToken),
            _ => throw new MongoException(ErrorCodes.IllegalOperation, $"{stageName} is not supported by this host"),
        };

    private (Database Db, string Name) Target(BsonValue spec, string field)
    {
        if (spec is BsonString s) return (_database, s.Value);
        var doc = spec.AsDocument;
        var into = field.Length == 0 ? doc : doc[field];
        if (into is BsonString name) return (_database, name.Value);
        var target = into.AsDocument;
        return (_database.Engine.GetDatabase(target["db"].AsString), target["coll"].AsString);
    }

    /// <summary>$out: writes into a temporary collection, then renames it over the target (all or nothing, as MongoDB).</summary>
    private async IAsyncEnumerable<BsonDocument> OutAsync(BsonValue spec, IAsyncEnumerable<BsonDocument> input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (db, name) = Target(spec, "");
        var temp = db.GetCollection("tmp.agg_out." + Guid.NewGuid().ToString("N"));
        await db.CreateCollectionAsync(temp.Name, null, null, cancellationToken).ConfigureAwait(false);
        var buffer = new List<BsonDocument>(512);
        try
        {
            await foreach (var doc in input.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                buffer.Add(doc);
                if (buffer.Count == 512) await FlushAsync(temp, buffer, cancellationToken).ConfigureAwait(false);
            }

            await FlushAsync(temp, buffer, cancellationToken).ConfigureAwait(false);
            var existing = db.GetCollection(name).State;
            if (existing is not null)
            {
                // Keep the target's secondary indexes, as $out does.
                var models = new List<IndexModel>();
                foreach (var index in existing.Indexes)
                    if (!index.IsIdIndex) models.Add(IndexModel.FromDocument(index.Spec));
                if (models.Count > 0) await temp.CreateIndexesAsync(models, null, cancellationToken).ConfigureAwait(false);
            }

            await db.RenameCollectionAsync(temp.Name, db.Name, name, dropTarget: true, null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await db.DropCollectionAsync(temp.Name, null, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        yield break;
    }

    private async Task FlushAsync(Collection target, List<BsonDocument> buffer, CancellationToken cancellationToken)
    {
        if (buffer.Count == 0) return;
        var result = await target.InsertAsync(buffer, new InsertOptions { BypassDocumentValidation = _bypassValidation }, null, cancellationToken).ConfigureAwait(false);
        buffer.Clear();
        if (result.WriteErrors.Count > 0)
        {
            var e = result.WriteErrors[0];
            throw new MongoException(e.Code, e.CodeName, e.Message);
        }
    }

    /// <summary>$merge: per document, match on the "on" fields and apply whenMatched / whenNotMatched.</summary>
    private async IAsyncEnumerable<BsonDocument> MergeAsync(BsonValue spec, IAsyncEnumerable<BsonDocument> input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (db, name) = Target(spec, spec is BsonDocument ? "into" : "");
        var target = db.GetCollection(name);
        var options = spec as BsonDocument ?? [];
        var on = new List<string>();
        if (options.TryGetValue("on", out var onSpec))
        {
            if (onSpec is BsonString one) on.Add(one.Value);
            else foreach (var f in onSpec.AsArray) on.Add(f.AsString);
        }
        else
        {
            on.Add("_id");
        }

        var whenMatched = options.TryGetValue("whenMatched", out var wm) ? wm : "merge";
        var whenNotMatched = options.TryGetValue("whenNotMatched", out var wn) ? wn.AsString : "insert";
        await foreach (var doc in input.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var filter = new BsonDocument();
            foreach (var field in on)
            {
                var value = Outpost.Engine.Query.DocumentPaths.Get(doc, field);
                if (value is null && field != "_id")
                    throw new MongoException(51132, "Location51132", $"$merge write error: 'on' field '{field}' cannot be missing, null, undefined or an array");
                filter.Add(field, value ?? BsonNull.Value);
            }

            if (!doc.Contains("_id")) filter.Remove("_id");
            BsonValue update = whenMatched switch
            {
                BsonString { Value: "replace" } => WithoutId(doc),
                BsonString { Value: "merge" } => new BsonDocument("$set", WithoutId(doc)),
                BsonString { Value: "keepExisting" } => new BsonDocument("$setOnInsert", WithoutId(doc)),
                BsonString { Value: "fail" } => new BsonDocument("$setOnInsert", WithoutId(doc)),
                BsonArray pipeline => pipeline,
                _ => throw new MongoException(51191, "Location51191", "Invalid whenMatched value for $merge"),
            };

            var existing = filter.ElementCount == 0 ? 0 : await target.CountAsync(new CountOptions { Filter = filter, Limit = 1 }, _context, cancellationToken).ConfigureAwait(false);
            if (existing > 0 && whenMatched is BsonString { Value: "fail" })
                throw new MongoException(ErrorCodes.DuplicateKey, $"$merge failed: a matching document exists in {db.Name}.{name}");
            if (existing == 0)
            {
                if (whenNotMatched == "discard") continue;
                if (whenNotMatched == "fail") throw new MongoException(13113, "Location13113", "$merge could not find a matching document in the target collection for at least one document in the source collection");
                var inserted = await target.InsertAsync([doc], new InsertOptions { BypassDocumentValidation = _bypassValidation }, _context, cancellationToken).ConfigureAwait(false);
                if (inserted.WriteErrors.Count > 0) throw new MongoException(inserted.WriteErrors[0].Code, inserted.WriteErrors[0].CodeName, inserted.WriteErrors[0].Message);
                continue;
            }

            var result = await target.UpdateAsync([new UpdateStatement { Filter = filter, Update = update }], new UpdateOptions { BypassDocumentValidation = _bypassValidation }, _context, cancellationToken).ConfigureAwait(false);
            if (result.WriteErrors.Count > 0) throw new MongoException(result.WriteErrors[0].Code, result.WriteErrors[0].CodeName, result.WriteErrors[0].Message);
        }

        yield break;
    }

    private static BsonDocument WithoutId(BsonDocument doc)
    {
        var copy = new BsonDocument();
        foreach (var e in doc) if (e.Name != "_id") copy.Add(e);
        return copy;
    }

    private async IAsyncEnumerable<BsonDocument> CollStatsAsync(BsonValue spec, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = spec as BsonDocument ?? [];
        var stats = await _collection.StatsAsync(1, cancellationToken).ConfigureAwait(false);
        var result = new BsonDocument { { "ns", _collection.Namespace }, { "host", "localhost:27017" }, { "localTime", new BsonDateTime(DateTime.UtcNow) } };
        if (options.Contains("latencyStats"))
            result.Add("latencyStats", new BsonDocument { { "reads", new BsonDocument("ops", 0L) }, { "writes", new BsonDocument("ops", 0L) } });
        if (options.Contains("storageStats")) result.Add("storageStats", stats);
        if (options.Contains("count")) result.Add("count", stats["count"]);
        yield return result;
    }

    private async IAsyncEnumerable<BsonDocument> IndexStatsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var spec in await _collection.ListIndexesAsync(_context, cancellationToken).ConfigureAwait(false))
        {
            yield return new BsonDocument
            {
                { "name", spec["name"] }, { "key", spec["key"] }, { "host", "localhost:27017" },
                { "accesses", new BsonDocument { { "ops", 0L }, { "since", new BsonDateTime(DateTime.UtcNow) } } }, { "spec", spec },
            };
        }
    }
}
