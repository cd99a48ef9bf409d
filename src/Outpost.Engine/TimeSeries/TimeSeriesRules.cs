using Outpost.Bson;
using Outpost.Engine.Catalog;

namespace Outpost.Engine.TimeSeries;

/// <summary>
/// Time-series collections, stored as regular collections (no bucketing: every measurement is one document, which
/// keeps every query, index and change stream working unchanged; bucketing would only save space). The create
/// options are validated and completed as MongoDB reports them ({timeField, metaField?, granularity,
/// bucketMaxSpanSeconds}); each measurement must carry a date in timeField; expireAfterSeconds is swept by the TTL
/// monitor on timeField; listCollections reports type "timeseries".
/// </summary>
internal static class TimeSeriesRules
{
    public static CreateCollectionOptions Normalize(CreateCollectionOptions options)
    {
        if (options.TimeSeries is not { } ts)
        {
            if (options.ExpireAfterSeconds is not null && options.ViewOn is null)
                throw new MongoException(ErrorCodes.InvalidOptions, "'expireAfterSeconds' is only supported on time-series collections");
            return options;
        }

        if (options.Capped || options.ViewOn is not null)
            throw new MongoException(ErrorCodes.InvalidOptions, "Time-series collections cannot be capped or views");
        if (!ts.TryGetValue("timeField", out var tf))
            throw new MongoException(ErrorCodes.Location40414, "Location40414", "BSON field 'timeseries.timeField' is missing but a required field");
        if (tf is not BsonString { Value.Length: > 0 } timeField || timeField.Value.Contains('.', StringComparison.Ordinal) || timeField.Value.StartsWith('$'))
            throw new MongoException(ErrorCodes.BadValue, "The 'timeField' must be a non-empty string without '.' or a leading '$'");
        var normalized = new BsonDocument("timeField", timeField);
        if (ts.TryGetValue("metaField", out var mf))
        {
            if (mf is not BsonString { Value.Length: > 0 } metaField || metaField.Value.Contains('.', StringComparison.Ordinal) || metaField.Value.StartsWith('$'))
                throw new MongoException(ErrorCodes.BadValue, "The 'metaField' must be a non-empty string without '.' or a leading '$'");
            if (metaField.Value == "_id") throw new MongoException(ErrorCodes.BadValue, "The 'metaField' cannot be \"_id\"");
            if (metaField.Value == timeField.Value) throw new MongoException(ErrorCodes.BadValue, "The 'metaField' cannot be the same as the 'timeField'");
            normalized.Add("metaField", metaField);
        }

        var granularity = ts.TryGetValue("granularity", out var g) ? g : "seconds";
        var span = granularity switch
        {
            BsonString { Value: "seconds" } => 3600,
            BsonString { Value: "minutes" } => 86400,
            BsonString { Value: "hours" } => 2592000,
            _ => throw new MongoException(ErrorCodes.BadValue, $"Valid granularity values are 'seconds', 'minutes' or 'hours', got {granularity}"),
        };
        normalized.Add("granularity", granularity);
        normalized.Add("bucketMaxSpanSeconds", ts.TryGetValue("bucketMaxSpanSeconds", out var b) && b.IsNumeric ? (int)b.ToInt64() : span);
        if (options.ExpireAfterSeconds is < 0)
            throw new MongoException(ErrorCodes.InvalidOptions, "'expireAfterSeconds' must be a non-negative number");

        var doc = options.ToDocument();
        doc.Set("timeseries", normalized);
        return CreateCollectionOptions.FromDocument(doc);
    }

    /// <summary>Every measurement carries a date in timeField (code 2 as MongoDB); not bypassable.</summary>
    public static void CheckDocument(CollectionState state, BsonDocument document)
    {
        if (state.Options.TimeSeries is not { } ts || ts["timeField"] is not BsonString timeField) return;
        if (!document.TryGetValue(timeField.Value, out var time) || time is not BsonDateTime)
            throw new MongoException(ErrorCodes.BadValue, $"'{timeField.Value}' must be present and contain a valid BSON UTC datetime value");
    }
}
