using Outpost.Bson;
using Outpost.Engine;

namespace Shopfloor.Server;

/// <summary>Small read helpers over the BSON-level engine API.</summary>
internal static class EngineQueries
{
    public static async Task<BsonDocument?> FindOneAsync(this Collection collection, BsonDocument filter, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        await using var cursor = await collection.FindAsync(new FindOptions { Filter = filter, Limit = 1 }, context, cancellationToken).ConfigureAwait(false);
        await foreach (var doc in cursor.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            return doc;
        }
        return null;
    }

    public static async Task<List<BsonDocument>> DrainAsync(this Cursor cursor, CancellationToken cancellationToken = default)
    {
        var list = new List<BsonDocument>();
        try
        {
            await foreach (var doc in cursor.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                list.Add(doc);
            }
        }
        finally
        {
            await cursor.DisposeAsync().ConfigureAwait(false);
        }
        return list;
    }

    public static async Task<List<BsonDocument>> FindListAsync(this Collection collection, FindOptions options, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        await (await collection.FindAsync(options, context, cancellationToken).ConfigureAwait(false)).DrainAsync(cancellationToken).ConfigureAwait(false);

    public static async Task<List<BsonDocument>> AggregateListAsync(this Collection collection, BsonArray pipeline, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        await (await collection.AggregateAsync(pipeline, null, context, cancellationToken).ConfigureAwait(false)).DrainAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Throws the first write error as a <see cref="Outpost.MongoException"/> (statements report, not throw).</summary>
    public static WriteResult ThrowOnError(this WriteResult result)
    {
        if (result.HasErrors)
        {
            var e = result.WriteErrors[0];
            throw new Outpost.MongoException(e.Code, e.Message) { Details = e.Details is null ? [] : ToPairs(e.Details) };
        }
        return result;
    }

    private static KeyValuePair<string, object?>[] ToPairs(BsonDocument details)
    {
        var pairs = new KeyValuePair<string, object?>[details.ElementCount];
        for (var i = 0; i < details.ElementCount; i++)
        {
            var el = details.GetElement(i);
            pairs[i] = new(el.Name, el.Value);
        }
        return pairs;
    }

    public static BsonDateTime Date(DateTimeOffset value) => new(value);

    public static DateTimeOffset ToOffset(BsonValue value) => value.AsDateTime.ToDateTimeOffset();
}
