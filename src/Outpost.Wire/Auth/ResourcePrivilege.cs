using Outpost.Bson;

namespace Outpost.Wire.Auth;

/// <summary>
/// One privilege of a user-defined role, MongoDB's <c>{resource: {db, collection}, actions: [...]}</c>. An empty
/// <see cref="Db"/> means every database and an empty <see cref="Collection"/> every collection of the database, as in
/// MongoDB's resource documents.
/// </summary>
/// <param name="Db">The database of the resource ("" = any).</param>
/// <param name="Collection">The collection or view of the resource ("" = any).</param>
/// <param name="Actions">The granted actions (find, insert, update, remove, killCursors, listIndexes, collStats, ...).</param>
/// <param name="Filter">
/// Outpost's extension (decision 026, field <c>outpostFilter</c>): when set, the actions apply only to documents matching
/// this query filter — reads see only them, writes may only target them and must leave or create only matching
/// documents. Null (MongoDB's privileges) means every document.
/// </param>
public sealed record ResourcePrivilege(string Db, string Collection, IReadOnlyList<string> Actions, BsonDocument? Filter = null)
{
    /// <summary>The privilege document field holding <see cref="Filter"/>.</summary>
    public const string FilterField = "outpostFilter";

    /// <summary>True when this privilege covers <paramref name="action"/> on <paramref name="db"/>.<paramref name="collection"/>.</summary>
    public bool Allows(string action, string db, string collection)
    {
        if (Db.Length > 0 && Db != db) return false;
        // MongoDB: {collection: ""} matches every collection except system ones.
        if (Collection.Length > 0 ? Collection != collection : collection.StartsWith("system.", StringComparison.Ordinal)) return false;
        foreach (var a in Actions)
        {
            if (a == action || a == "anyAction") return true;
        }
        return false;
    }
}
