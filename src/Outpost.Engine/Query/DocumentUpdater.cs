using Outpost.Bson;
using Outpost.Query;

namespace Outpost.Engine.Query;

/// <summary>
/// A compiled update as the write path uses it: replacement, operator document or pipeline. Produces the new
/// document from the old one. Uses the fallback operators until Outpost.Query's UpdatePlan is implemented.
/// </summary>
internal sealed class DocumentUpdater
{
    private readonly BsonValue _update;

    private DocumentUpdater(BsonValue update, bool isReplacement)
    {
        _update = update;
        IsReplacement = isReplacement;
    }

    public bool IsReplacement { get; }

    public static DocumentUpdater Create(BsonValue update, QueryContext context, BsonArray? arrayFilters)
    {
        _ = context;
        _ = arrayFilters;
        if (update is BsonArray)
            throw new MongoException(ErrorCodes.CommandNotSupported, "pipeline-style updates are not supported yet");
        var doc = update as BsonDocument ?? throw new MongoException(ErrorCodes.FailedToParse, "Update argument must be either an object or an array");
        var isReplacement = doc.ElementCount == 0 || !doc.GetElement(0).Name.StartsWith('$');
        if (!isReplacement)
        {
            foreach (var e in doc)
                if (!e.Name.StartsWith('$'))
                    throw new MongoException(ErrorCodes.FailedToParse, $"Unknown modifier: {e.Name}. Expected a valid update modifier or pipeline-style update specified as an array");
        }

        return new DocumentUpdater(update, isReplacement);
    }

    /// <summary>The updated copy of <paramref name="original"/> (the original is not modified).</summary>
    public BsonDocument Apply(BsonDocument original, bool isInsert)
    {
        var doc = (BsonDocument)_update;
        if (IsReplacement)
        {
            var replacement = new BsonDocument(doc.ElementCount + 1);
            if (original.TryGetValue("_id", out var id)) replacement.Add("_id", id);
            foreach (var e in doc)
            {
                if (e.Name == "_id")
                {
                    if (id is not null && !(id.Type == e.Value.Type && id.Equals(e.Value)))
                        throw new MongoException(ErrorCodes.ImmutableField, $"After applying the update, the (immutable) field '_id' was found to have been altered to _id: {e.Value}");
                    if (id is null) replacement.InsertAt(0, e);
                    continue;
                }

                replacement.Add(e.Name, e.Value);
            }

            return replacement;
        }

        var copy = original.DeepClone();
        FallbackUpdater.Apply(copy, doc, isInsert);
        if (original.TryGetValue("_id", out var before) && (!copy.TryGetValue("_id", out var after) || !(before.Type == after.Type && before.Equals(after))))
            throw new MongoException(ErrorCodes.ImmutableField, $"Performing an update on the path '_id' would modify the immutable field '_id'");
        return copy;
    }
}
