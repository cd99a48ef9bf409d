using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>
/// A mutable, ordered BSON document. Duplicate names decoded from the wire are kept faithfully;
/// the indexer, <see cref="TryGetValue"/> and <see cref="Set"/> act on the first occurrence.
/// </summary>
public sealed class BsonDocument : BsonValue, IEnumerable<BsonElement>
{
    // Small documents are scanned linearly (faster than hashing); past this size a name → first-index map is built lazily.
    private const int IndexThreshold = 8;

    // One array of element structs (not a List wrapper), exactly sized when decoded. Null while the document is lazy:
    // a decoded nested document keeps its validated bytes (_raw at _rawOffset) and builds its elements on first use.
    private BsonElement[]? _elements;
    private int _count;
    private readonly byte[]? _raw;
    private readonly int _rawOffset;
    // Whether _raw is exactly what encoding this document gives, so an unbuilt document can be written as it is.
    private readonly bool _rawCanonical;
    // Bumped by every structural change so an enumerator can refuse to continue over a modified document (as List did).
    private int _version;
    private Dictionary<string, int>? _index;

    /// <summary>Creates an empty document.</summary>
    public BsonDocument() => _elements = [];

    /// <summary>Creates an empty document with room for <paramref name="capacity"/> elements.</summary>
    public BsonDocument(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _elements = capacity == 0 ? [] : new BsonElement[capacity];
    }

    /// <summary>Creates a document that owns <paramref name="elements"/> (the decoder's exact-size path).</summary>
    internal BsonDocument(BsonElement[] elements)
    {
        _elements = elements;
        _count = elements.Length;
    }

    /// <summary>
    /// A lazy document over the BSON document starting at <paramref name="offset"/> in <paramref name="raw"/>, which the
    /// decoder has already validated in full and which nobody changes afterwards.
    /// </summary>
    internal BsonDocument(byte[] raw, int offset, bool canonical)
    {
        _raw = raw;
        _rawOffset = offset;
        _rawCanonical = canonical;
    }

    /// <summary>Creates a document holding the given elements in order.</summary>
    public BsonDocument(IEnumerable<BsonElement> elements)
    {
        _elements = [.. elements];
        _count = _elements.Length;
    }

    /// <summary>Creates a document with a single element.</summary>
    public BsonDocument(string name, BsonValue value) : this(1) => Add(name, value);

    /// <summary>Parses Extended JSON (canonical, relaxed, legacy) or shell syntax such as <c>{ a: 1, b: 'x' }</c>.</summary>
    /// <exception cref="Json.BsonJsonException">When the text is malformed; the message names the position.</exception>
    public static BsonDocument Parse(string json) => Json.BsonJson.Parse(json);

    /// <summary>Writes this document as Extended JSON (relaxed unless told otherwise).</summary>
    public string ToJson(Json.JsonOutputMode mode = Json.JsonOutputMode.RelaxedExtendedJson) => Json.BsonJson.ToJson(this, mode);

    public override BsonType Type => BsonType.Document;

    /// <summary>Number of elements (duplicates included).</summary>
    public int ElementCount
    {
        get
        {
            EnsureLoaded();
            return _count;
        }
    }

    /// <summary>Element names in order.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            foreach (var element in this)
            {
                yield return element.Name;
            }
        }
    }

    /// <summary>Element values in order.</summary>
    public IEnumerable<BsonValue> Values
    {
        get
        {
            foreach (var element in this)
            {
                yield return element.Value;
            }
        }
    }

    /// <summary>The elements in order, read-only and without copying (valid until the document is next changed).</summary>
    internal ReadOnlySpan<BsonElement> Elements
    {
        get
        {
            EnsureLoaded();
            return new(_elements, 0, _count);
        }
    }

    /// <summary>
    /// The encoded bytes of a decoded document that has not been built (so neither it nor anything in it can have
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

    /// <summary>Whether this is a decoded document whose elements have not been built yet (for tests).</summary>
    internal bool IsLazy => Volatile.Read(ref _elements) is null;

    /// <summary>Gets the first value named <paramref name="name"/>, or sets it (replacing the first or appending).</summary>
    /// <exception cref="KeyNotFoundException">On get, when no element has that name.</exception>
    public BsonValue this[string name]
    {
        get => TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"Element '{name}' not found.");
        set => Set(name, value);
    }

    /// <summary>Gets or sets the value at position <paramref name="index"/>.</summary>
    public BsonValue this[int index]
    {
        get => GetElement(index).Value;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckIndex(index);
            _elements![index] = _elements[index] with { Value = value };
            _version++;
        }
    }

    /// <summary>Appends an element (duplicates allowed; no lookup is done).</summary>
    public BsonDocument Add(string name, BsonValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        EnsureLoaded();
        _index?.TryAdd(name, _count);
        if (_count == _elements!.Length)
        {
            Grow();
        }

        _elements![_count++] = new BsonElement(name, value);
        _version++;
        return this;
    }

    /// <summary>Appends an element.</summary>
    public BsonDocument Add(BsonElement element) => Add(element.Name, element.Value);

    /// <summary>Replaces the value of the first element named <paramref name="name"/>, or appends it.</summary>
    public BsonDocument Set(string name, BsonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int i = IndexOf(name);
        if (i >= 0)
        {
            _elements![i] = new BsonElement(name, value);
            _version++;
            return this;
        }

        return Add(name, value);
    }

    /// <summary>Inserts an element at <paramref name="index"/>.</summary>
    public void InsertAt(int index, BsonElement element)
    {
        ArgumentNullException.ThrowIfNull(element.Name);
        ArgumentNullException.ThrowIfNull(element.Value);
        EnsureLoaded();
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)index, (uint)_count, nameof(index));
        if (_count == _elements!.Length)
        {
            Grow();
        }

        Array.Copy(_elements!, index, _elements!, index + 1, _count - index);
        _elements[index] = element;
        _count++;
        Changed();
    }

    /// <summary>Removes every element named <paramref name="name"/>; returns whether any was removed.</summary>
    public bool Remove(string name)
    {
        EnsureLoaded();
        var elements = _elements!;
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (!string.Equals(elements[i].Name, name, StringComparison.Ordinal))
            {
                elements[kept++] = elements[i];
            }
        }

        if (kept == _count)
        {
            return false;
        }

        Array.Clear(elements, kept, _count - kept);
        _count = kept;
        Changed();
        return true;
    }

    /// <summary>Removes the element at <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        CheckIndex(index);
        _count--;
        Array.Copy(_elements!, index + 1, _elements!, index, _count - index);
        _elements![_count] = default;
        Changed();
    }

    /// <summary>Removes all elements.</summary>
    public void Clear()
    {
        EnsureLoaded();
        Array.Clear(_elements!, 0, _count);
        _count = 0;
        Changed();
    }

    /// <summary>Whether an element named <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Gets the first value named <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, [MaybeNullWhen(false)] out BsonValue value)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            value = null;
            return false;
        }

        value = _elements![i].Value;
        return true;
    }

    /// <summary>Position of the first element named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnsureLoaded();
        if (_count <= IndexThreshold)
        {
            var elements = Elements;
            for (int i = 0; i < elements.Length; i++)
            {
                if (string.Equals(elements[i].Name, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        return (_index ??= BuildIndex()).TryGetValue(name, out int index) ? index : -1;
    }

    /// <summary>The element at position <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="index"/> is not below <see cref="ElementCount"/>.</exception>
    public BsonElement GetElement(int index)
    {
        CheckIndex(index);
        return _elements![index];
    }

    /// <summary>A deep copy: nested documents and arrays are copied, immutable values shared.</summary>
    public BsonDocument DeepClone()
    {
        if (IsLazy)
        {
            // Nothing can have changed an unbuilt document, and its bytes are immutable: share them.
            return new BsonDocument(_raw!, _rawOffset, _rawCanonical);
        }

        var clone = new BsonDocument(_count);
        for (int i = 0; i < _count; i++)
        {
            var element = _elements![i];
            clone._elements![i] = new BsonElement(element.Name, DeepCloneValue(element.Value));
        }

        clone._count = _count;
        return clone;
    }

    /// <summary>Allocation-free enumeration of elements in order.</summary>
    public Enumerator GetEnumerator()
    {
        EnsureLoaded();
        return new(this);
    }

    IEnumerator<BsonElement> IEnumerable<BsonElement>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static BsonValue DeepCloneValue(BsonValue value) => value switch
    {
        BsonDocument d => d.DeepClone(),
        BsonArray a => a.DeepClone(),
        BsonJavaScriptWithScope s => new BsonJavaScriptWithScope(s.Code, s.Scope.DeepClone()),
        _ => value,
    };

    internal override void AppendTo(StringBuilder builder)
    {
        EnsureLoaded();
        builder.Append('{');
        for (int i = 0; i < _count; i++)
        {
            builder.Append(i == 0 ? " " : ", ");
            TextFormat.AppendQuoted(builder, _elements![i].Name);
            builder.Append(": ");
            _elements[i].Value.AppendTo(builder);
        }

        builder.Append(_count == 0 ? "}" : " }");
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
        throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be below the element count {_count}.");

    private void Grow()
    {
        var larger = new BsonElement[Math.Max(4, _elements!.Length * 2)];
        Array.Copy(_elements, larger, _count);
        _elements = larger;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureLoaded()
    {
        if (Volatile.Read(ref _elements) is null)
        {
            Load();
        }
    }

    /// <summary>
    /// Builds the elements of a lazy document. Concurrent first reads may both build; the first published array wins
    /// and the count is written before publishing, so a reader that sees the array also sees its count.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Load()
    {
        var built = Serialization.BsonBinaryReader.ReadLazyDocument(_raw!, _rawOffset, _rawCanonical);
        if (Volatile.Read(ref _elements) is null)
        {
            _count = built.Length;
            Interlocked.CompareExchange(ref _elements, built, null);
        }
    }

    private void Changed()
    {
        _index = null;
        _version++;
    }

    private Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(_count, StringComparer.Ordinal);
        for (int i = 0; i < _count; i++)
        {
            index.TryAdd(_elements![i].Name, i);
        }

        return index;
    }

    /// <summary>Enumerates the elements in order; throws if the document changes structurally meanwhile.</summary>
    public struct Enumerator : IEnumerator<BsonElement>
    {
        private readonly BsonDocument _document;
        private readonly int _version;
        private int _index;

        internal Enumerator(BsonDocument document)
        {
            _document = document;
            _version = document._version;
            _index = -1;
        }

        /// <summary>The element at the current position.</summary>
        public readonly BsonElement Current => _document._elements![_index];

        readonly object IEnumerator.Current => Current;

        /// <summary>Advances to the next element.</summary>
        /// <exception cref="InvalidOperationException">When the document was changed since enumeration began.</exception>
        public bool MoveNext()
        {
            if (_version != _document._version)
            {
                throw new InvalidOperationException("The document was modified during enumeration.");
            }

            return ++_index < _document._count;
        }

        /// <summary>Restarts the enumeration.</summary>
        public void Reset() => _index = -1;

        /// <summary>Nothing to release.</summary>
        public readonly void Dispose()
        {
        }
    }
}
