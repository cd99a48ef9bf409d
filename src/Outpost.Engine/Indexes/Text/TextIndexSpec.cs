using Outpost.Bson;

namespace Outpost.Engine.Indexes.Text;

/// <summary>
/// Text index specs as MongoDB reports them: weights for every text field (default 1), default_language
/// ("english"), language_override ("language") and textIndexVersion 3; and the one-text-index-per-collection rule.
/// </summary>
internal static class TextIndexSpec
{
    public static bool IsText(BsonDocument keyPattern)
    {
        foreach (var e in keyPattern)
            if (e.Value is BsonString { Value: "text" }) return true;
        return false;
    }

    /// <summary>Field → weight from the key pattern's text fields and the weights option (67 for bad weights).</summary>
    public static BsonDocument WeightsOf(BsonDocument keyPattern, BsonValue? weightsOption)
    {
        var weights = new BsonDocument();
        foreach (var e in keyPattern)
            if (e.Value is BsonString { Value: "text" }) weights.Set(e.Name, 1);
        if (weightsOption is BsonDocument given)
        {
            foreach (var e in given)
            {
                if (!e.Value.IsNumeric || e.Value.ToDouble() <= 0 || e.Value.ToDouble() >= 100000)
                    throw new MongoException(ErrorCodes.CannotCreateIndex, $"text index weights must be in the exclusive interval (0,100000) but found: {e.Value} for field {e.Name}");
                weights.Set(e.Name, e.Value);
            }
        }
        else if (weightsOption is BsonString { Value: "$**" })
        {
            weights.Set("$**", 1);
        }

        return weights;
    }

    /// <summary>Fills in and validates a text index's options in <paramref name="spec"/> (the listIndexes document).</summary>
    public static void Complete(BsonDocument spec)
    {
        var key = spec["key"].AsDocument;
        foreach (var e in key)
        {
            if (e.Value is BsonString { Value: not "text" } other)
                throw new MongoException(ErrorCodes.CannotCreateIndex, $"Index kind '{other.Value}' cannot be combined with a text index");
            if (e.Value.IsNumeric)
                throw new MongoException(ErrorCodes.CannotCreateIndex, "compound text indexes with non-text fields are not supported by Outpost");
        }

        if (spec.TryGetValue("unique", out var u) && u is BsonBoolean { Value: true })
            throw new MongoException(ErrorCodes.CannotCreateIndex, "text indexes cannot be unique");
        var weights = WeightsOf(key, spec.TryGetValue("weights", out var w) ? w : null);
        spec.Set("weights", weights);
        var language = spec.TryGetValue("default_language", out var dl) ? dl : "english";
        if (language is not BsonString ls || !TextAnalyzer.IsSupportedLanguage(ls.Value))
            throw new MongoException(ErrorCodes.CannotCreateIndex, $"default_language: {language} is not a supported language");
        spec.Set("default_language", language);
        var over = spec.TryGetValue("language_override", out var lo) ? lo : "language";
        if (over is not BsonString { Value.Length: > 0 })
            throw new MongoException(ErrorCodes.CannotCreateIndex, "language_override must be a non-empty string");
        spec.Set("language_override", over);
        spec.Set("textIndexVersion", 3);
    }

    /// <summary>85 IndexOptionsConflict when the collection already has a different text index (MongoDB allows one).</summary>
    public static void CheckSingle(IEnumerable<Catalog.IndexState> existing, BsonDocument spec)
    {
        if (!IsText(spec["key"].AsDocument)) return;
        foreach (var index in existing)
        {
            if (index.Kind is not TextIndexKind) continue;
            var sameName = index.Name == spec["name"].AsString;
            if (sameName && index.KeyPattern.Equals(spec["key"])) continue; // the generic same-name check decides
            throw new MongoException(ErrorCodes.IndexOptionsConflict,
                $"An equivalent index already exists with a different name and options. Requested index: {spec}, existing index: {index.Spec}");
        }
    }
}
