using Outpost.Bson;
using Outpost.Engine.Catalog;

namespace Outpost.Engine;

public sealed partial class OutpostEngine
{
    /// <summary>
    /// One TTL pass: for every single-field index with expireAfterSeconds (and every time-series collection with
    /// expireAfterSeconds, on its timeField) deletes the documents whose date — for an array of dates, the earliest —
    /// is older than now minus expireAfterSeconds. Deletes go through the normal delete path, so they are logged in
    /// the change log. Returns the number of documents deleted. The background sweeper calls this every
    /// <see cref="EngineOptions.TtlMonitorInterval"/>.
    /// </summary>
    public async Task<long> RunTtlPassAsync(CancellationToken cancellationToken = default)
    {
        long deleted = 0;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var state in Catalog.Collections.Values)
        {
            if (state.IsView) continue;
            foreach (var (field, seconds, partial) in TtlRules(state))
            {
                cancellationToken.ThrowIfCancellationRequested();

                // {$lt: date} matches only dates (type bracketing) and matches an array when any (so the earliest) element is older.
                BsonDocument filter = new(field, new BsonDocument("$lt", new BsonDateTime(now - (seconds * 1000))));
                if (partial is not null) filter = new BsonDocument("$and", new BsonArray { filter, partial });
                var collection = GetDatabase(state.Database).GetCollectionUnchecked(state.Name);
                var result = await collection.DeleteAsync([new DeleteStatement { Filter = filter, Limit = 0 }], null, null, cancellationToken).ConfigureAwait(false);
                deleted += result.N;
            }
        }

        return deleted;
    }

    private static IEnumerable<(string Field, long Seconds, BsonDocument? Partial)> TtlRules(CollectionState state)
    {
        foreach (var index in state.Indexes)
        {
            if (index.IsIdIndex || index.KeyPattern.ElementCount != 1 || !index.Spec.TryGetValue("expireAfterSeconds", out var ttl) || !ttl.IsNumeric) continue;
            if (!index.KeyPattern.GetElement(0).Value.IsNumeric) continue;
            yield return (index.KeyPattern.GetElement(0).Name, ttl.ToInt64(), index.PartialFilter);
        }

        if (state.Options.TimeSeries is { } ts && state.Options.ExpireAfterSeconds is { } seconds && ts.TryGetValue("timeField", out var tf) && tf is BsonString timeField)
            yield return (timeField.Value, seconds, null);
    }
}
