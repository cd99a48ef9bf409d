using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Security;

namespace Shopfloor.Server.Stores;

/// <summary>
/// Failed sign-in counters in <c>signin_lockouts</c>. <see cref="RecordFailureAsync"/> is a compare-and-swap loop
/// (update only if the record is still the one read; insert races end in a duplicate key and retry), so parallel
/// guesses from many tablets cannot lose a failure and slip past the limit.
/// </summary>
public sealed class OutpostLockoutStore : ILockoutStore
{
    private readonly Collection _lockouts;

    public OutpostLockoutStore(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _lockouts = database.GetCollection(CollectionNames.SignInLockouts);
    }

    public async ValueTask<LockoutRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var d = await _lockouts.FindOneAsync(new BsonDocument("_id", key), cancellationToken: cancellationToken).ConfigureAwait(false);
        return d is null ? null : FromBson(d);
    }

    public async ValueTask<LockoutRecord> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, LockoutOptions options, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await _lockouts.FindOneAsync(new BsonDocument("_id", key), cancellationToken: cancellationToken).ConfigureAwait(false);
            var next = LockoutRecord.AfterFailure(current is null ? null : FromBson(current), now, maxFailures, options);
            var doc = ToBson(key, next);
            if (current is null)
            {
                var inserted = await _lockouts.InsertAsync([doc], cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!inserted.HasErrors)
                {
                    return next;
                }
                if (inserted.WriteErrors[0].Code != ErrorCodes.DuplicateKey || attempt > 20)
                {
                    inserted.ThrowOnError();
                }
                continue;
            }
            // The whole previous document is the version: the replace applies only if nobody changed it meanwhile.
            var replaced = (await _lockouts.UpdateAsync([new UpdateStatement { Filter = current, Update = doc }],
                cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
            if (replaced.N == 1)
            {
                return next;
            }
            if (attempt > 20)
            {
                throw new MongoException(ErrorCodes.WriteConflict, "lock-out record kept changing");
            }
        }
    }

    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken = default) =>
        (await _lockouts.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", key), Limit = 1 }],
            cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();

    private static LockoutRecord FromBson(BsonDocument d) => new(
        (int)d["failures"].ToInt64(),
        EngineQueries.ToOffset(d["windowStart"]),
        d.TryGetValue("lockedUntil", out var until) && until is BsonDateTime ? EngineQueries.ToOffset(until) : null);

    private static BsonDocument ToBson(string key, LockoutRecord r)
    {
        var doc = new BsonDocument
        {
            { "_id", key },
            { "failures", r.Failures },
            { "windowStart", EngineQueries.Date(r.WindowStart) },
        };
        if (r.LockedUntil is { } until)
        {
            doc.Add("lockedUntil", EngineQueries.Date(until));
        }
        return doc;
    }
}
