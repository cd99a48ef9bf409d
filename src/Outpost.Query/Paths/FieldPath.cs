using Outpost.Bson;

namespace Outpost.Query.Paths;

/// <summary>
/// A dotted field path ("a.b.0.c") split once at compile time. Components that are non-negative decimal integers
/// also carry their index, because MongoDB lets them address array elements as well as fields named "0".
/// </summary>
public sealed class FieldPath
{
    private readonly string[] _parts;
    private readonly byte[][] _utf8Parts;
    private readonly int[] _indexes;

    public FieldPath(string dotted)
    {
        ArgumentNullException.ThrowIfNull(dotted);
        Dotted = dotted;
        _parts = dotted.Split('.');
        _indexes = new int[_parts.Length];
        _utf8Parts = new byte[_parts.Length][];
        for (int i = 0; i < _parts.Length; i++)
        {
            _indexes[i] = ParseIndex(_parts[i]);
            _utf8Parts[i] = System.Text.Encoding.UTF8.GetBytes(_parts[i]);
        }
    }

    /// <summary>The path as written.</summary>
    public string Dotted { get; }

    /// <summary>Number of components.</summary>
    public int Length => _parts.Length;

    /// <summary>The component at <paramref name="i"/>.</summary>
    public string this[int i] => _parts[i];

    /// <summary>The component at <paramref name="i"/> as UTF-8, for matching element names in encoded BSON.</summary>
    public ReadOnlySpan<byte> Utf8At(int i) => _utf8Parts[i];

    /// <summary>The array index a component denotes, or -1 when it is not a plain non-negative integer.</summary>
    public int IndexAt(int i) => _indexes[i];

    /// <summary>Whether any component is empty ("a..b", ".a", "a.").</summary>
    public bool HasEmptyComponent => Array.Exists(_parts, p => p.Length == 0);

    /// <summary>
    /// The value at this path without implicit array traversal except through numeric components; null when missing.
    /// Used where MongoDB addresses one concrete location (updates, projections).
    /// </summary>
    public BsonValue? GetExact(BsonValue root)
    {
        BsonValue? current = root;
        for (int i = 0; i < _parts.Length && current is not null; i++)
        {
            current = current switch
            {
                BsonDocument d => d.TryGetValue(_parts[i], out var v) ? v : null,
                BsonArray a when _indexes[i] >= 0 => _indexes[i] < a.Count ? a[_indexes[i]] : null,
                _ => null,
            };
        }

        return current;
    }

    /// <summary>Parses a component as an array index the way MongoDB does (digits only, no sign, no leading zeros beyond "0").</summary>
    public static int ParseIndex(string part)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (part.Length == 0 || part.Length > 9 || (part.Length > 1 && part[0] == '0'))
        {
            return -1;
        }

        int value = 0;
        foreach (char c in part)
        {
            if (c is < '0' or > '9')
            {
                return -1;
            }

            value = (value * 10) + (c - '0');
        }

        return value;
    }

    public override string ToString() => Dotted;
}
