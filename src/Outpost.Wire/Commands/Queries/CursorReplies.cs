using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Cursors;

namespace Outpost.Wire.Commands.Queries;

/// <summary>Builds <c>{cursor: {firstBatch|nextBatch, id, ns}}</c> replies and registers cursors that stay open.</summary>
public static class CursorReplies
{
    /// <summary>Largest batch in bytes, leaving room for the reply envelope within 16 MiB.</summary>
    public const int MaxBatchBytes = 16 * 1024 * 1024 - 64 * 1024;

    /// <summary>Default first batch size (MongoDB's 101).</summary>
    public const int DefaultFirstBatch = 101;

    /// <summary>Fetches the first batch and keeps the cursor in the table if more remains.</summary>
    public static async ValueTask<BsonDocument> FirstBatchAsync(CommandContext context, CursorTable cursors, Cursor cursor, string ns,
        int? batchSize, bool singleBatch = false, bool tailable = false, bool awaitData = false, bool noTimeout = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cursors);
        ArgumentNullException.ThrowIfNull(cursor);
        IReadOnlyList<BsonDocument> docs;
        int wanted = batchSize ?? DefaultFirstBatch;
        try
        {
            docs = wanted == 0 ? [] : await cursor.NextBatchAsync(wanted, null, MaxBatchBytes, context.CancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await cursor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        long id = 0;
        if (!singleBatch && !cursor.IsExhausted)
        {
            id = cursors.Add(cursor, ns, context.Session?.Lsid, tailable, awaitData, noTimeout, context.State.UsersKey()).Id;
        }
        else
        {
            await cursor.DisposeAsync().ConfigureAwait(false);
        }
        return Reply("firstBatch", docs, id, ns, cursor);
    }

    /// <summary>The cursor reply document.</summary>
    public static BsonDocument Reply(string batchName, IReadOnlyList<BsonDocument> docs, long id, string ns, Cursor? cursor)
    {
        ArgumentNullException.ThrowIfNull(docs);
        var batch = new BsonArray(docs.Count);
        foreach (var d in docs) batch.Add(d);
        var cursorDoc = new BsonDocument { { batchName, batch }, { "id", id }, { "ns", ns } };
        if (cursor is ChangeStreamCursor changeStream) cursorDoc.Add("postBatchResumeToken", changeStream.PostBatchResumeToken);
        return new BsonDocument { { "cursor", cursorDoc }, { "ok", 1.0 } };
    }

    /// <summary>A batchSize option: absent → null; negative → BadValue.</summary>
    public static int? BatchSize(BsonDocument? options)
    {
        if (options is null || !options.TryGetValue("batchSize", out var v) || v.IsNull) return null;
        if (!v.IsNumeric) throw new MongoException(ErrorCodes.TypeMismatch, "batchSize must be a number");
        long n = v.ToInt64();
        if (n < 0) throw new MongoException(51024, "Location51024", $"BatchSize value must be non-negative, but received: {n}");
        return (int)Math.Min(n, int.MaxValue);
    }
}
