using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>The create command's options. <see cref="ToDocument"/> gives the <c>options</c> listCollections reports.</summary>
public sealed class CreateCollectionOptions
{
    /// <summary>Validator: a query filter, possibly with <c>$jsonSchema</c>.</summary>
    public BsonDocument? Validator { get; init; }

    /// <summary>"strict" (default), "moderate" or "off".</summary>
    public string? ValidationLevel { get; init; }

    /// <summary>"error" (default) or "warn".</summary>
    public string? ValidationAction { get; init; }

    /// <summary>Default collation of the collection.</summary>
    public BsonDocument? Collation { get; init; }

    /// <summary>A capped collection (insertion order, bounded by <see cref="Size"/> and <see cref="Max"/>).</summary>
    public bool Capped { get; init; }

    /// <summary>Capped: maximum total size in bytes.</summary>
    public long? Size { get; init; }

    /// <summary>Capped: maximum document count.</summary>
    public long? Max { get; init; }

    /// <summary>Time-series options <c>{timeField, metaField, granularity}</c>.</summary>
    public BsonDocument? TimeSeries { get; init; }

    /// <summary>TTL of a time-series collection's measurements.</summary>
    public long? ExpireAfterSeconds { get; init; }

    /// <summary>Create a view on this collection (same database).</summary>
    public string? ViewOn { get; init; }

    /// <summary>The view's pipeline.</summary>
    public BsonArray? Pipeline { get; init; }

    /// <summary>Record pre- and post-images for change streams.</summary>
    public bool ChangeStreamPreAndPostImages { get; init; }

    /// <summary>Reads the create command's fields (everything but <c>create</c> itself and generic command fields).</summary>
    public static CreateCollectionOptions FromCommand(BsonDocument command)
    {
        ArgumentNullException.ThrowIfNull(command);
        BsonValue? V(string n) => command.TryGetValue(n, out var v) ? v : null;
        return new CreateCollectionOptions
        {
            Validator = V("validator") as BsonDocument,
            ValidationLevel = (V("validationLevel") as BsonString)?.Value,
            ValidationAction = (V("validationAction") as BsonString)?.Value,
            Collation = V("collation") as BsonDocument,
            Capped = V("capped") is BsonBoolean { Value: true },
            Size = V("size") is { IsNumeric: true } s ? s.ToInt64() : null,
            Max = V("max") is { IsNumeric: true } m ? m.ToInt64() : null,
            TimeSeries = V("timeseries") as BsonDocument,
            ExpireAfterSeconds = V("expireAfterSeconds") is { IsNumeric: true } e ? e.ToInt64() : null,
            ViewOn = (V("viewOn") as BsonString)?.Value,
            Pipeline = V("pipeline") as BsonArray,
            ChangeStreamPreAndPostImages = V("changeStreamPreAndPostImages") is BsonDocument c
                && c.TryGetValue("enabled", out var en) && en is BsonBoolean { Value: true },
        };
    }

    /// <summary>The options document listCollections reports (only the options that were set).</summary>
    public BsonDocument ToDocument()
    {
        var doc = new BsonDocument();
        if (ViewOn is not null) doc.Add("viewOn", ViewOn);
        if (Pipeline is not null) doc.Add("pipeline", Pipeline);
        if (Capped) doc.Add("capped", true);
        if (Size is { } size) doc.Add("size", size);
        if (Max is { } max) doc.Add("max", max);
        if (Validator is not null) doc.Add("validator", Validator);
        if (ValidationLevel is not null) doc.Add("validationLevel", ValidationLevel);
        if (ValidationAction is not null) doc.Add("validationAction", ValidationAction);
        if (Collation is not null) doc.Add("collation", Collation);
        if (TimeSeries is not null) doc.Add("timeseries", TimeSeries);
        if (ExpireAfterSeconds is { } ttl) doc.Add("expireAfterSeconds", ttl);
        if (ChangeStreamPreAndPostImages) doc.Add("changeStreamPreAndPostImages", new BsonDocument("enabled", true));
        return doc;
    }

    /// <summary>Reads an options document as <see cref="ToDocument"/> writes it.</summary>
    public static CreateCollectionOptions FromDocument(BsonDocument options) => FromCommand(options);
}
