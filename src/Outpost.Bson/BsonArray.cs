using System.Collections;
using System.Text;

namespace Outpost.Bson;

/// <summary>A mutable BSON array.</summary>
public sealed class BsonArray : BsonValue, IList<BsonValue>, IReadOnlyList<BsonValue>
{
    private readonly List<BsonValue> _values;

    /// <summary>Creates an empty array.</summary>
    public BsonArray() => _values = [];

    /// <summary>Creates an empty array with room for <paramref name="capacity"/> values.</summary>
    public BsonArray(int capacity) => _values = new List<BsonValue>(capacity);

    /// <summary>Creates an array of the values of the given elements in order (the decoder's exact-size path).</summary>
    internal BsonArray(ReadOnlySpan<BsonElement> elements)
    {
        _values = new List<BsonValue>(elements.Length);
        foreach (var element in elements)
        {
            _values.Add(element.Value);
        }
    }

    /// <summary>Creates an array holding <paramref name="values"/> in order.</summary>
    public BsonArray(IEnumerable<BsonValue> values) => _values = [.. values];

    public override BsonType Type => BsonType.Array;
    public int Count => _values.Count;
    bool ICollection<BsonValue>.IsReadOnly => false;

    public BsonValue this[int index]
    {
        get => _values[index];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _values[index] = value;
        }
    }

    public void Add(BsonValue item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _values.Add(item);
    }

    public void AddRange(IEnumerable<BsonValue> items)
    {
        foreach (var item in items)
        {
            Add(item);
        }
    }

    public void Insert(int index, BsonValue item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _values.Insert(index, item);
    }

    public void Clear() => _values.Clear();

    /// <summary>Whether an equal value (MongoDB equality) is present.</summary>
    public bool Contains(BsonValue item) => IndexOf(item) >= 0;

    public void CopyTo(BsonValue[] array, int arrayIndex) => _values.CopyTo(array, arrayIndex);

    /// <summary>Index of the first equal value (MongoDB equality), or -1.</summary>
    public int IndexOf(BsonValue item)
    {
        for (int i = 0; i < _values.Count; i++)
        {
            if (BsonComparer.Instance.Equals(_values[i], item))
            {
                return i;
            }
        }

        return -1;
    }

    public bool Remove(BsonValue item)
    {
        int i = IndexOf(item);
        if (i < 0)
        {
            return false;
        }

        _values.RemoveAt(i);
        return true;
    }

    public void RemoveAt(int index) => _values.RemoveAt(index);

    /// <summary>A deep copy: nested documents and arrays are copied, immutable values shared.</summary>
    public BsonArray DeepClone()
    {
        var clone = new BsonArray(_values.Count);
        foreach (var value in _values)
        {
            clone._values.Add(BsonDocument.DeepCloneValue(value));
        }

        return clone;
    }

    /// <summary>Allocation-free enumeration.</summary>
    public List<BsonValue>.Enumerator GetEnumerator() => _values.GetEnumerator();

    IEnumerator<BsonValue> IEnumerable<BsonValue>.GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();

    internal override void AppendTo(StringBuilder builder)
    {
        builder.Append('[');
        for (int i = 0; i < _values.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            _values[i].AppendTo(builder);
        }

        builder.Append(']');
    }
}
