using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Geo;

namespace Outpost.Engine.Indexes.Geo;

/// <summary>
/// The <c>$geoNear</c> aggregation stage (handed to the engine through IPipelineHost): near, distanceField,
/// spherical, maxDistance, minDistance, query, includeLocs, key, distanceMultiplier. Runs as a nearest-first find
/// through the 2dsphere index; 291 when no (or no unambiguous) 2dsphere index exists.
/// </summary>
internal static class GeoNearStage
{
    public static async IAsyncEnumerable<BsonDocument> ExecuteAsync(Collection collection, BsonValue specification, OperationContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (specification is not BsonDocument spec) throw new MongoException(10065, "Location10065", "$geoNear argument must be an object");
        if (!spec.TryGetValue("near", out var near)) throw new MongoException(5860400, "Location5860400", "$geoNear requires a 'near' argument");
        if (!spec.TryGetValue("distanceField", out var df) || df is not BsonString distanceField)
            throw new MongoException(16606, "Location16606", "$geoNear requires a 'distanceField' option as a String");
        var spherical = spec.TryGetValue("spherical", out var sp) && sp is BsonBoolean { Value: true };
        var query = spec.TryGetValue("query", out var q) ? q as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "query must be an object") : [];
        var includeLocs = spec.TryGetValue("includeLocs", out var il) && il is BsonString ils ? ils.Value : null;
        var multiplier = spec.TryGetValue("distanceMultiplier", out var dm) && dm.IsNumeric ? dm.ToDouble() : 1.0;
        if (multiplier < 0) throw new MongoException(ErrorCodes.BadValue, "distanceMultiplier must be a non-negative number");

        var state = collection.State;
        if (state is null) yield break;
        string key;
        if (spec.TryGetValue("key", out var k))
        {
            if (k is not BsonString { Value.Length: > 0 } ks) throw new MongoException(ErrorCodes.BadValue, "$geoNear parameter 'key' must be a non-empty string");
            key = ks.Value;
            if (SpecialAccess.FindGeoIndex(state, key) is null)
                throw new MongoException(ErrorCodes.NoQueryExecutionPlans, $"unable to find index for $geoNear query: no 2dsphere index on '{key}'");
        }
        else
        {
            string? only = null;
            foreach (var index in state.Indexes)
            {
                if (index.Hidden || index.Kind is not GeoIndexKind g) continue;
                if (only is not null)
                    throw new MongoException(ErrorCodes.NoQueryExecutionPlans, $"There is more than one 2dsphere index on {state.Namespace}; unsure which to use for $geoNear");
                only = g.Path;
            }

            key = only ?? throw new MongoException(ErrorCodes.NoQueryExecutionPlans, "unable to find index for $geoNear query");
        }

        var isGeoJson = near is BsonDocument nd && nd.Contains("type");
        BsonDocument nearOp;
        if (isGeoJson)
        {
            var geometry = new BsonDocument("$geometry", near);
            if (spec.TryGetValue("maxDistance", out var mx)) geometry.Add("$maxDistance", mx);
            if (spec.TryGetValue("minDistance", out var mn)) geometry.Add("$minDistance", mn);
            nearOp = new BsonDocument("$nearSphere", geometry);
        }
        else
        {
            nearOp = new BsonDocument(spherical ? "$nearSphere" : "$near", near);
            if (spec.TryGetValue("maxDistance", out var mx)) nearOp.Add("$maxDistance", mx);
            if (spec.TryGetValue("minDistance", out var mn)) nearOp.Add("$minDistance", mn);
        }

        var filter = query.ElementCount == 0 ? new BsonDocument(key, nearOp) : new BsonDocument { { key, nearOp }, { "$and", new BsonArray { query } } };
        GeoPoint.TryParse(near, out var origin);
        var cursor = await collection.FindAsync(new FindOptions { Filter = filter, AttachMeta = true }, context, cancellationToken).ConfigureAwait(false);
        await using (((IAsyncDisposable)cursor).ConfigureAwait(false))
        {
            await foreach (var doc in cursor.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var distance = doc.TryGetValue("$meta.geoNearDistance", out var d) ? d.ToDouble() : 0;
                doc.Remove("$meta.geoNearDistance");
                SetPath(doc, distanceField.Value, distance * multiplier);
                if (includeLocs is not null && NearestLocation(doc, key, origin) is { } loc) SetPath(doc, includeLocs, loc);
                yield return doc;
            }
        }
    }

    private static BsonValue? NearestLocation(BsonDocument document, string path, GeoPoint origin)
    {
        var values = new List<BsonValue>();
        Query.DocumentPaths.Collect(document, path.Split('.'), 0, values, expandLeafArrays: false);
        BsonValue? best = null;
        var bestDistance = double.PositiveInfinity;
        foreach (var v in values)
        {
            var candidates = v is BsonArray a && a.Count > 0 && !a[0].IsNumeric ? (IEnumerable<BsonValue>)a : [v];
            foreach (var c in candidates)
            {
                if (!GeoPoint.TryParse(c, out var p)) continue;
                var distance = GeoMath.SphericalDistanceRadians(origin, p);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = c;
                }
            }
        }

        return best;
    }

    private static void SetPath(BsonDocument document, string path, BsonValue value)
    {
        var parts = path.Split('.');
        var current = document;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (current.TryGetValue(parts[i], out var next) && next is BsonDocument nextDoc)
            {
                current = nextDoc;
                continue;
            }

            var created = new BsonDocument();
            current.Set(parts[i], created);
            current = created;
        }

        current.Set(parts[^1], value);
    }
}
