using System.Buffers;
using Outpost.Bson;
using Outpost.Engine.Keys;

namespace Outpost.Engine.Indexes;

/// <summary>
/// Ascending/descending single and compound indexes with MongoDB's multikey rules: an array value yields one key per
/// element (an empty array yields undefined), a missing field yields null, and at most one field of a compound key
/// may be an array in a given document (171 CannotIndexParallelArrays).
/// </summary>
internal sealed class BTreeIndexKind : IIndexKind
{
    private readonly (string[] Parts, string Path, bool Descending)[] _fields;
    private readonly bool _sparse;
    private readonly IKeyEncoder _encoder;

    public BTreeIndexKind(BsonDocument keyPattern, List<(string Path, bool Descending)> fields, bool sparse, IKeyEncoder encoder)
    {
        KeyPattern = keyPattern;
        _fields = new (string[], string, bool)[fields.Count];
        for (var i = 0; i < fields.Count; i++) _fields[i] = (fields[i].Path.Split('.'), fields[i].Path, fields[i].Descending);
        _sparse = sparse;
        _encoder = encoder;
    }

    public BsonDocument KeyPattern { get; }

    public bool SupportsComparisons => true;

    /// <summary>Field paths and directions, in key order.</summary>
    public IEnumerable<(string Path, bool Descending)> Fields
    {
        get
        {
            foreach (var f in _fields) yield return (f.Path, f.Descending);
        }
    }

    public bool GenerateKeys(BsonDocument document, List<byte[]> keys) => Generate(document, keys, null);

    public BsonDocument? DescribeKey(BsonDocument document, ReadOnlySpan<byte> key)
    {
        var keys = new List<byte[]>();
        var values = new List<BsonValue[]>();
        Generate(document, keys, values);
        for (var i = 0; i < keys.Count; i++)
        {
            if (!keys[i].AsSpan().SequenceEqual(key)) continue;
            var described = new BsonDocument();
            for (var f = 0; f < _fields.Length; f++) described.Add(_fields[f].Path, values[i][f]);
            return described;
        }

        return null;
    }

    private bool Generate(BsonDocument document, List<byte[]> keys, List<BsonValue[]>? keyValues)
    {
        var perField = new List<BsonValue>[_fields.Length];
        var arrayField = -1;
        var anyPresent = false;
        for (var i = 0; i < _fields.Length; i++)
        {
            var values = new List<BsonValue>(1);
            var sawArray = false;
            var present = false;
            Collect(document, _fields[i].Parts, 0, values, ref sawArray, ref present);
            anyPresent |= present;
            if (sawArray)
            {
                if (arrayField >= 0)
                    throw new MongoException(ErrorCodes.CannotIndexParallelArrays,
                        $"cannot index parallel arrays [{_fields[i].Parts[^1]}] [{_fields[arrayField].Parts[^1]}]");
                arrayField = i;
            }

            perField[i] = values;
        }

        if (_sparse && !anyPresent) return false;

        var buffer = new ArrayBufferWriter<byte>(64);
        var before = keys.Count;
        if (arrayField < 0)
        {
            for (var i = 0; i < _fields.Length; i++) _encoder.Encode(perField[i][0], _fields[i].Descending, buffer);
            keys.Add(buffer.WrittenSpan.ToArray());
            if (keyValues is not null)
            {
                var row = new BsonValue[_fields.Length];
                for (var i = 0; i < row.Length; i++) row[i] = perField[i][0];
                keyValues.Add(row);
            }

            return false;
        }

        // One field is an array: one key per distinct element, the other fields fixed.
        foreach (var element in perField[arrayField])
        {
            buffer.ResetWrittenCount();
            for (var i = 0; i < _fields.Length; i++)
                _encoder.Encode(i == arrayField ? element : perField[i][0], _fields[i].Descending, buffer);
            var key = buffer.WrittenSpan.ToArray();
            var duplicate = false;
            for (var k = before; k < keys.Count && !duplicate; k++) duplicate = keys[k].AsSpan().SequenceEqual(key);
            if (duplicate) continue;
            keys.Add(key);
            if (keyValues is not null)
            {
                var row = new BsonValue[_fields.Length];
                for (var i = 0; i < row.Length; i++) row[i] = i == arrayField ? element : perField[i][0];
                keyValues.Add(row);
            }
        }

        return true;
    }

    /// <summary>Values of a dotted path with MongoDB's array traversal (arrays of documents are descended into).</summary>
    private static void Collect(BsonValue current, string[] parts, int index, List<BsonValue> values, ref bool sawArray, ref bool present)
    {
        if (index == parts.Length)
        {
            present = true;
            if (current is BsonArray leaf)
            {
                sawArray = true;
                if (leaf.Count == 0) values.Add(BsonUndefined.Value);
                foreach (var item in leaf) AddDistinct(values, item);
                return;
            }

            AddDistinct(values, current);
            return;
        }

        switch (current)
        {
            case BsonDocument doc:
                if (doc.TryGetValue(parts[index], out var child)) Collect(child, parts, index + 1, values, ref sawArray, ref present);
                else AddDistinct(values, BsonNull.Value);
                return;
            case BsonArray array:
                sawArray = true;
                if (array.Count == 0)
                {
                    AddDistinct(values, BsonUndefined.Value);
                    return;
                }

                // A numeric component addresses an element ("a.0.b"); MongoDB also expands arrays of documents.
                if (int.TryParse(parts[index], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position)
                    && position < array.Count)
                {
                    Collect(array[position], parts, index + 1, values, ref sawArray, ref present);
                    return;
                }

                foreach (var item in array)
                {
                    if (item is BsonDocument) Collect(item, parts, index, values, ref sawArray, ref present);
                    else AddDistinct(values, BsonNull.Value);
                }

                return;
            default:
                AddDistinct(values, BsonNull.Value);
                return;
        }
    }

    private static void AddDistinct(List<BsonValue> values, BsonValue value)
    {
        foreach (var v in values)
            if (v.Type == value.Type && v.Equals(value)) return;
        values.Add(value);
    }
}
