using Outpost.Bson;
using Outpost.Bson.Json;
using Outpost.Sync.Merge;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

/// <summary>
/// Sync settings of <c>outpost serve --sync-config file.json</c>, in (relaxed) Extended JSON:
/// <code>
/// { "database": "app", "jwtKeyBase64": "…32+ bytes…",
///   "collections": { "photos": {
///       "read": { "departmentId": "{{token.departmentId}}" }, "write": { … }, "writableFields": ["quality", "notes"],
///       "allowInsert": true, "allowDelete": false, "readOnly": false,
///       "merge": { "default": "fieldMerge", "fields": { "tags": "setUnion", "notes": "appendWithAttribution",
///                  "views": "counter", "inspection": "lastWriterWins", "decision": "keepBoth",
///                  "syncStatus": { "priority": ["synced", "syncing", "pending", "failed", "conflicted"] } } } } } }
/// </code>
/// </summary>
public sealed record SyncConfiguration(SyncServerOptions Options, byte[] JwtKey)
{
    public static SyncConfiguration Load(string path) => FromDocument(BsonDocument.Parse(File.ReadAllText(path)));

    public static SyncConfiguration FromDocument(BsonDocument config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.TryGetValue("jwtKeyBase64", out var keyText) || keyText is not BsonString)
        {
            throw new FormatException("sync config: jwtKeyBase64 (a base64 HS256 key of at least 32 bytes) is required");
        }
        var key = Convert.FromBase64String(keyText.AsString);
        if (key.Length < 32)
        {
            throw new FormatException("sync config: jwtKeyBase64 must decode to at least 32 bytes");
        }
        var rules = new List<CollectionSyncRule>();
        if (config.TryGetValue("collections", out var collections))
        {
            foreach (var element in collections.AsDocument)
            {
                rules.Add(ParseRule(element.Name, element.Value.AsDocument));
            }
        }
        var options = new SyncServerOptions
        {
            Database = config.TryGetValue("database", out var db) ? db.AsString : "app",
            Rules = rules,
        };
        return new SyncConfiguration(options, key);
    }

    private static CollectionSyncRule ParseRule(string collection, BsonDocument spec) =>
        new(collection, spec.TryGetValue("read", out var read) ? read.AsDocument : null)
        {
            WriteFilter = spec.TryGetValue("write", out var write) ? write.AsDocument : null,
            WritableFields = spec.TryGetValue("writableFields", out var fields) ? fields.AsArray.Select(f => f.AsString).ToList() : null,
            AllowInsert = !spec.TryGetValue("allowInsert", out var insert) || insert.AsBoolean,
            AllowDelete = !spec.TryGetValue("allowDelete", out var delete) || delete.AsBoolean,
            ReadOnly = spec.TryGetValue("readOnly", out var readOnly) && readOnly.AsBoolean,
            Policy = spec.TryGetValue("merge", out var merge) ? ParsePolicy(merge.AsDocument) : new MergePolicy(),
        };

    private static MergePolicy ParsePolicy(BsonDocument merge)
    {
        var policy = new MergePolicy(merge.TryGetValue("default", out var d) ? ParseField(d) : null);
        if (merge.TryGetValue("fields", out var fields))
        {
            foreach (var field in fields.AsDocument)
            {
                policy.For(field.Name, ParseField(field.Value));
            }
        }
        return policy;
    }

    private static FieldPolicy ParseField(BsonValue spec)
    {
        if (spec is BsonDocument d && d.TryGetValue("priority", out var order))
        {
            return new FieldPolicy(MergeStrategy.Priority) { PriorityOrder = order.AsArray.Select(v => v.AsString).ToList() };
        }
        if (spec is BsonString s && Enum.TryParse<MergeStrategy>(s.Value, ignoreCase: true, out var strategy)
            && strategy is not (MergeStrategy.Priority or MergeStrategy.Custom))
        {
            return new FieldPolicy(strategy);
        }
        throw new FormatException($"sync config: unknown merge strategy {spec} (custom resolvers are registered in C#, not in the file)");
    }
}
