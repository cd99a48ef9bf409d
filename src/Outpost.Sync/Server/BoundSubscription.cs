using Outpost.Query;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

/// <summary>A subscription compiled for one principal: the rule's bound read filter AND the client's filter.</summary>
internal sealed record BoundSubscription(string Name, string Collection, CollectionSyncRule Rule, Bson.BsonDocument? Filter, QueryFilter? Matcher)
{
    /// <summary>False when the rule denies everything to this principal (a claim it refers to is missing).</summary>
    public bool CanMatch => Matcher is not null;

    public bool Matches(Bson.BsonDocument document) => Matcher is not null && Matcher.Matches(document);
}
