using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;

namespace Outpost.Bson;

/// <summary>A mutable BSON array.</summary>
public sealed class BsonArray : BsonValue, IList<BsonValue>, IReadOnlyList<BsonValue>
{
    // One array (not a List wrapper), exactly sized when decoded. Null while the array is lazy: a decoded nested array
    // keeps its validated bytes (_raw at _rawOffset) and builds its values on first use.
    private BsonValue[]? _values;
    private int _count;
    private readonly byte[]? _raw;
    private readonly int _rawOffset;
    // Whether _raw is exactly what encoding this array gives, so an unbuilt array can be written as it is.
    private readonly bool _rawCanonical;
    // Bumped by every change so an enumerator can refuse to continue over a modified array (as List did).
    private int _version;

    /// <summary>Creates an empty array.</summary>
    public BsonArray() => _values = [];

    /// <summary>Creates an empty array with room for <paramref name="capacity"/> values.</summary>
    public BsonArray(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _values = capacity == 0 ? [] : new BsonValue[capacity];
    }

    /// <summary>Creates an array that owns <paramref name="values"/> (the decoder's exact-size path).</summary>
    internal BsonArray(BsonValue[] values)
    {
        _values = values;
        _count = values.Length;
    }

    /// <summary>
    /// A lazy array over the BSON array starting at <paramref name="offset"/> in <paramref name="raw"/>, which the decoder
    /// has already validated in full and which nobody changes afterwards.
    /// </summary>
    internal BsonArray(byte[] raw, int offset, bool canonical)
    {
        _raw = raw;
        _rawOffset = offset;
        _rawCanonical = canonical;
    }

    /// <summary>Creates an array holding <paramref name="values"/> in order.</summary>
    public BsonArray(IEnumerable<BsonValue> values)
    {
        _values = [.. values];
        _count = _values.Length;
    }

    public override BsonType Type => BsonType.Array;
    public int Count
    {
        get
        {
            EnsureLoaded();
            return _count;
        }
    }
    bool ICollection<BsonValue>.IsReadOnly => false;

    /// <summary>The values in order, read-only and without copying (valid until the array is next changed).</summary>
    internal ReadOnlySpan<BsonValue> Items
    {
        get
        {
            EnsureLoaded();
            return new(_values, 0, _count);
        }
    }

    /// <summary>
    /// The encoded bytes of a decoded array that has not been built (so neither it nor anything in it can have
    /// changed) and whose bytes are canonical: the encoder copies them instead of rebuilding and re-encoding.
    /// </summary>
    internal bool TryGetRaw(out ReadOnlySpan<byte> raw)
    {
        if (_rawCanonical && IsLazy)
        {
            raw = _raw.AsSpan(_rawOffset, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(_rawOffset)));
            return true;
        }

        raw = default;
        return false;
    }

    /// <summary>Whether this is a decoded array whose values have not been built yet (for tests).</summary>
    internal bool IsLazy => Volatile.Read(ref _values) is null;

    public BsonValue this[int index]
    {
        get
        {
            CheckIndex(index);
            return _values![index];
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckIndex(index);
            _values![index] = value;
            _version++;
        }
    }

    public void Add(BsonValue item)
    {
        ArgumentNullException.ThrowIfNull(item);
        EnsureLoaded();
        if (_count == _values!.Length)
        {
            Grow();
        }

        _values![_count++] = item;
        _version++;
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
        EnsureLoaded();
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)index, (uint)_count, nameof(index));
        if (_count == _values!.Length)
        {
            Grow();
        }

        Array.Copy(_values!, index, _values!, index + 1, _count - index);
        _values![index] = item;
        _count++;
        _version++;
    }

    public void Clear()
    {
        EnsureLoaded();
        Array.Clear(_values!, 0, _count);
        _count = 0;
        _version++;
    }

    /// <summary>Whether an equal value (MongoDB equality) is present.</summary>
    public bool Contains(BsonValue item) => IndexOf(item) >= 0;

    public void CopyTo(BsonValue[] array, int arrayIndex)
    {
        EnsureLoaded();
        Array.Copy(_values!, 0, array, arrayIndex, _count);
    }

    /// <summary>Index of the first equal value (MongoDB equality), or -1.</summary>
    public int IndexOf(BsonValue item)
    {
        EnsureLoaded();
        for (int i = 0; i < _count; i++)
        {
            if (BsonComparer.Instance.Equals(_values![i], item))
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

        RemoveAt(i);
        return true;
    }

    public void RemoveAt(int index)
    {
        CheckIndex(index);
        _count--;
        Array.Copy(_values!, index + 1, _values!, index, _count - index);
        _values![_count] = null!;
        _version++;
    }

    /// <summary>A deep copy: nested documents and arrays are copied, immutable values shared.</summary>
    public BsonArray DeepClone()
    {
        if (IsLazy)
        {
            // Nothing can have changed an unbuilt array, and its bytes are immutable: share them.
            return new BsonArray(_raw!, _rawOffset, _rawCanonical);
        }

        var clone = new BsonArray(_count);
        for (int i = 0; i < _count; i++)
        {
            clone._values![i] = BsonDocument.DeepCloneValue(_values![i]);
        }

        clone._count = _count;
        return clone;
    }

    /// <summary>Allocation-free enumeration.</summary>
    public Enumerator GetEnumerator()
    {
        EnsureLoaded();
        return new(this);
    }

    IEnumerator<BsonValue> IEnumerable<BsonValue>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override void AppendTo(StringBuilder builder)
    {
        EnsureLoaded();
        builder.Append('[');
        for (int i = 0; i < _count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            _values![i].AppendTo(builder);
        }

        builder.Append(']');
    }

    private void CheckIndex(int index)
    {
        EnsureLoaded();
        if ((uint)index >= (uint)_count)
        {
            ThrowIndex(index);
        }
    }

    private void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be below the array length {_count}.");

    private void Grow()
    {
        var larger = new BsonValue[Math.Max(4, _values!.Length * 2)];
        Array.Copy(_values, larger, _count);
        _values = larger;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureLoaded()
    {
        if (Volatile.Read(ref _values) is null)
        {
            Load();
        }
    }

    /// <summary>
    /// Builds the values of a lazy array. Concurrent first reads may both build; the first published array wins and
    /// the count is written before publishing, so a reader that sees the values also sees their count.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Load()
    {
        var built = Serialization.BsonBinaryReader.ReadLazyArray(_raw!, _rawOffset, _rawCanonical);
        if (Volatile.Read(ref _values) is null)
        {
            _count = built.Length;
            Interlocked.CompareExchange(ref _values, built, null);
        }
    }

    /// <summary>Enumerates the values in order; throws if the array changes meanwhile.</summary>
    public struct Enumerator : IEnumerator<BsonValue>
    {
        private readonly BsonArray _array;
        private readonly int _version;
        private int _index;

        internal Enumerator(BsonArray array)
        {
            _array = array;
            _version = array._version;
            _index = -1;
        }

        /// <summary>The value at the current position.</summary>
        public readonly BsonValue Current => _array._values![_index];

        readonly object IEnumerator.Current => Current;

        /// <summary>Advances to the next value.</summary>
        /// <exception cref="InvalidOperationException">When the array was changed since enumeration began.</exception>
        public bool MoveNext()
        {
            if (_version != _array._version)
            {
                throw new InvalidOperationException("The array was modified during enumeration.");
            }

            return ++_index < _array._count;
        }

        /// <summary>Restarts the enumeration.</summary>
        public void Reset() => _index = -1;

        /// <summary>Nothing to release.</summary>
        public readonly void Dispose()
        {
        }
    }
}
