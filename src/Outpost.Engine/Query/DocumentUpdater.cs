using Outpost.Bson;
using Outpost.Query;
using Outpost.Query.Updates;

namespace Outpost.Engine.Query;

/// <summary>A compiled update (Outpost.Query's UpdatePlan) as the write path uses it: new document, changed flag, updateDescription.</summary>
internal sealed class DocumentUpdater
{
    private readonly UpdatePlan _plan;

    private DocumentUpdater(UpdatePlan plan) => _plan = plan;

    public bool IsReplacement => _plan.Kind == UpdateKind.Replacement;

    public static DocumentUpdater Create(BsonValue update, QueryContext context, BsonArray? arrayFilters) =>
        new(UpdatePlan.Compile(update, new UpdateCompileOptions { ArrayFilters = arrayFilters, Context = context, Let = context.Variables }));

    /// <summary>The updated copy of <paramref name="original"/> (the original is not modified).</summary>
    public (BsonDocument Document, bool Changed, BsonDocument? Description) Apply(BsonDocument original, bool isInsert)
    {
        var copy = original.DeepClone();
        var result = _plan.Apply(copy, new ApplyContext { IsUpsertInsert = isInsert });
        BsonDocument? description = null;
        if (!IsReplacement)
        {
            var truncated = new BsonArray();
            foreach (var (field, size) in result.Description.TruncatedArrays)
                truncated.Add(new BsonDocument { { "field", field }, { "newSize", size } });
            description = new BsonDocument
            {
                { "updatedFields", result.Description.UpdatedFields },
                { "removedFields", new BsonArray(result.Description.RemovedFields.Select(f => (BsonValue)f)) },
                { "truncatedArrays", truncated },
            };
        }

        return (result.Document, result.Changed, description);
    }

    public static BsonDocument UpsertSeed(BsonDocument filter) => UpdatePlan.CreateUpsertSeed(filter);
}
