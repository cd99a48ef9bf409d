using Outpost.Bson;

namespace Outpost.Sync.Rules;

/// <summary>An authenticated sync client: its subject and the token claims the rules may refer to as <c>{{token.name}}</c>.</summary>
public sealed record SyncPrincipal(string Subject, IReadOnlyDictionary<string, BsonValue> Claims);
