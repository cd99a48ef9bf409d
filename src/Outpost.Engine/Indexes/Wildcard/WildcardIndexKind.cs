using System.Buffers;
using Outpost.Bson;
using Outpost.Engine.Keys;

namespace Outpost.Engine.Indexes.Wildcard;

/// <summary>
/// A wildcard index (<c>{"$**": 1}</c> with optional wildcardProjection, or <c>{"path.$**": 1}</c>): one key per
/// (leaf path, value) — arrays give one key per element under the same path, embedded documents are descended into —
/// encoded as the path string followed by the value, so a query on one path scans that path's slice of the index.
/// </summary>
internal sealed class WildcardIndexKind : IIndexKind
{
    private readonly string? _prefix;
    private readonly List<string> _included = [];
    private readonly List<string> _excluded = [];
    private readonly bool _includeId;
    private readonly IKeyEncoder _encoder;

    public WildcardIndexKind(BsonDocument keyPattern, BsonDocument? spec, IKeyEncoder encoder)
    {
        KeyPattern = keyPattern;
        _encoder = encoder;
        if (keyPattern.ElementCount != 1)
            throw new MongoException(ErrorCodes.CannotCreateIndex, "wildcard indexes cannot be compound in Outpost");
        var e = keyPattern.GetElement(0);
        if (!e.Value.IsNumeric || e.Value.ToDouble() <= 0)
            throw new MongoException(ErrorCodes.CannotCreateIndex, "A wildcard index must be ascending: {\"$**\": 1}");
        _prefix = e.Name == "$**" ? null : e.Name[..^4];
        if (spec is not null)
        {
            if (spec.TryGetValue("unique", out var u) && u is BsonBoolean { Value: true })
                throw new MongoException(ErrorCodes.CannotCreateIndex, "Index type 'wildcard' does not support the unique option");
            if (spec.TryGetValue("sparse", out var s) && s is BsonBoolean { Value: true })
                throw new MongoException(ErrorCodes.CannotCreateIndex, "Index type 'wildcard' does not support the sparse option");
            if (spec.TryGetValue("wildcardProjection", out var p))
            {
                if (_prefix is not null)
                    throw new MongoException(ErrorCodes.CannotCreateIndex, "The field 'wildcardProjection' is only allowed in an '$**' index");
                if (p is not BsonDocument { ElementCount: > 0 } projection)
                    throw new MongoException(ErrorCodes.CannotCreateIndex, "The field 'wildcardProjection' must be a non-empty object");
                foreach (var f in projection)
                {
                    var include = f.Value.IsNumeric ? f.Value.ToDouble() != 0 : f.Value is BsonBoolean { Value: true };
                    if (f.Name == "_id")
                    {
                        _includeId = include;
                        continue;
                    }

                    (include ? _included : _excluded).Add(f.Name);
                }

                if (_included.Count > 0 && _excluded.Count > 0)
                    throw new MongoException(ErrorCodes.CannotCreateIndex, "Cannot do exclusion and inclusion in a wildcardProjection");
            }
        }
    }

    public BsonDocument KeyPattern { get; }

    public bool SupportsComparisons => false;

    /// <summary>The key encoder (the planner's stand-in single-field index uses it).</summary>
    public IKeyEncoder Encoder => _encoder;

    /// <summary>Whether values at <paramref name="path"/> are in the index.</summary>
    public bool Covers(string path)
    {
        if (_prefix is not null) return path == _prefix || path.StartsWith(_prefix + ".", StringComparison.Ordinal);
        if (path == "_id" || path.StartsWith("_id.", StringComparison.Ordinal)) return _includeId;
        if (_included.Count > 0) return _included.Exists(i => path == i || path.StartsWith(i + ".", StringComparison.Ordinal));
        return !_excluded.Exists(x => path == x || path.StartsWith(x + ".", StringComparison.Ordinal));
    }

    /// <summary>Whether any path below <paramref name="path"/> may be covered (to prune the document walk).</summary>
    private bool MayCoverBelow(string path)
    {
        if (Covers(path)) return true;
        if (_prefix is not null) return _prefix.StartsWith(path + ".", StringComparison.Ordinal);
        return _included.Exists(i => i.StartsWith(path + ".", StringComparison.Ordinal));
    }

    public byte[] PathPrefix(string path)
    {
        var buffer = new ArrayBufferWriter<byte>(path.Length + 8);
        _encoder.Encode(new BsonString(path), false, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public bool GenerateKeys(BsonDocument document, List<byte[]> keys)
    {
        var multikey = false;
        foreach (var e in document) Walk(e.Name, e.Value, keys, ref multikey, inArray: false);
        return multikey;
    }

    private void Walk(string path, BsonValue value, List<byte[]> keys, ref bool multikey, bool inArray)
    {
        if (!MayCoverBelow(path)) return;
        switch (value)
        {
            case BsonDocument d when d.ElementCount > 0:
                foreach (var e in d) Walk(path + "." + e.Name, e.Value, keys, ref multikey, inArray);
                return;
            case BsonArray a when !inArray:
                multikey = true;
                if (a.Count == 0) Add(path, BsonUndefined.Value, keys);
                foreach (var item in a) Walk(path, item, keys, ref multikey, inArray: true);
                return;
        }

        if (Covers(path)) Add(path, value, keys);
    }

    private void Add(string path, BsonValue value, List<byte[]> keys)
    {
        var buffer = new ArrayBufferWriter<byte>(path.Length + 16);
        _encoder.Encode(new BsonString(path), false, buffer);
        _encoder.Encode(value, false, buffer);
        var key = buffer.WrittenSpan.ToArray();
        foreach (var k in keys) if (k.AsSpan().SequenceEqual(key)) return;
        keys.Add(key);
    }

    public BsonDocument? DescribeKey(BsonDocument document, ReadOnlySpan<byte> key) => null;
}
