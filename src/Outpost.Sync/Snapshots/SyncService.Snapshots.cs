using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

public sealed partial class SyncService
{
    /// <summary>
    /// Binds subscriptions for the snapshot-file builder with exactly the rules of <c>snapshot</c>/<c>pull</c>
    /// (read rule AND client filter, no server-side code), so a built file can never hold more than paging would.
    /// </summary>
    internal List<BoundSubscription> BindSubscriptions(SyncPrincipal principal, IReadOnlyList<SyncSubscription> subscriptions) => Bind(principal, subscriptions);

    /// <summary>The merge metadata collection's documents key: <c>{c, i}</c>.</summary>
    internal static Bson.BsonDocument MetadataKey(string collection, Bson.BsonValue id) => MetaKey(collection, id);
}
