using System.Collections;
using System.Diagnostics.CodeAnalysis;
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

    private readonly List<BsonElement> _elements;
    private Dictionary<string, int>? _index;

    /// <summary>Creates an empty document.</summary>
    public BsonDocument() => _elements = [];

    /// <summary>Creates an empty document with room for <paramref name="capacity"/> elements.</summary>
    public BsonDocument(int capacity) => _elements = new List<BsonElement>(capacity);

    /// <summary>Creates a document holding a copy of the given elements in order (the decoder's exact-size path).</summary>
    internal BsonDocument(ReadOnlySpan<BsonElement> elements)
    {
        _elements = new List<BsonElement>(elements.Length);
        _elements.AddRange(elements);
    }

    /// <summary>Creates a document holding the given elements in order.</summary>
    public BsonDocument(IEnumerable<BsonElement> elements) => _elements = [.. elements];

    /// <summary>Creates a document with a single element.</summary>
    public BsonDocument(string name, BsonValue value) : this() => Add(name, value);

    /// <summary>Parses Extended JSON (canonical, relaxed, legacy) or shell syntax such as <c>{ a: 1, b: 'x' }</c>.</summary>
    /// <exception cref="Json.BsonJsonException">When the text is malformed; the message names the position.</exception>
    public static BsonDocument Parse(string json) => Json.BsonJson.Parse(json);

    /// <summary>Writes this document as Extended JSON (relaxed unless told otherwise).</summary>
    public string ToJson(Json.JsonOutputMode mode = Json.JsonOutputMode.RelaxedExtendedJson) => Json.BsonJson.ToJson(this, mode);

    public override BsonType Type => BsonType.Document;

    /// <summary>Number of elements (duplicates included).</summary>
    public int ElementCount => _elements.Count;

    /// <summary>Element names in order.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            foreach (var element in _elements)
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
            foreach (var element in _elements)
            {
                yield return element.Value;
            }
        }
    }

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
        get => _elements[index].Value;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _elements[index] = _elements[index] with { Value = value };
        }
    }

    /// <summary>Appends an element (duplicates allowed; no lookup is done).</summary>
    public BsonDocument Add(string name, BsonValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        _index?.TryAdd(name, _elements.Count);
        _elements.Add(new BsonElement(name, value));
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
            _elements[i] = new BsonElement(name, value);
            return this;
        }

        return Add(name, value);
    }

    /// <summary>Inserts an element at <paramref name="index"/>.</summary>
    public void InsertAt(int index, BsonElement element)
    {
        ArgumentNullException.ThrowIfNull(element.Name);
        ArgumentNullException.ThrowIfNull(element.Value);
        _elements.Insert(index, element);
        _index = null;
    }

    /// <summary>Removes every element named <paramref name="name"/>; returns whether any was removed.</summary>
    public bool Remove(string name)
    {
        int removed = _elements.RemoveAll(e => e.Name == name);
        if (removed > 0)
        {
            _index = null;
        }

        return removed > 0;
    }

    /// <summary>Removes the element at <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        _elements.RemoveAt(index);
        _index = null;
    }

    /// <summary>Removes all elements.</summary>
    public void Clear()
    {
        _elements.Clear();
        _index = null;
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

        value = _elements[i].Value;
        return true;
    }

    /// <summary>Position of the first element named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_elements.Count <= IndexThreshold)
        {
            for (int i = 0; i < _elements.Count; i++)
            {
                if (string.Equals(_elements[i].Name, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        return (_index ??= BuildIndex()).TryGetValue(name, out int index) ? index : -1;
    }

    /// <summary>The element at position <paramref name="index"/>.</summary>
    public BsonElement GetElement(int index) => _elements[index];

    /// <summary>A deep copy: nested documents and arrays are copied, immutable values shared.</summary>
    public BsonDocument DeepClone()
    {
        var clone = new BsonDocument(_elements.Count);
        foreach (var element in _elements)
        {
            clone._elements.Add(new BsonElement(element.Name, DeepCloneValue(element.Value)));
        }

        return clone;
    }

    /// <summary>Allocation-free enumeration of elements in order.</summary>
    public List<BsonElement>.Enumerator GetEnumerator() => _elements.GetEnumerator();

    IEnumerator<BsonElement> IEnumerable<BsonElement>.GetEnumerator() => _elements.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _elements.GetEnumerator();

    internal static BsonValue DeepCloneValue(BsonValue value) => value switch
    {
        BsonDocument d => d.DeepClone(),
        BsonArray a => a.DeepClone(),
        BsonJavaScriptWithScope s => new BsonJavaScriptWithScope(s.Code, s.Scope.DeepClone()),
        _ => value,
    };

    internal override void AppendTo(StringBuilder builder)
    {
        builder.Append('{');
        for (int i = 0; i < _elements.Count; i++)
        {
            builder.Append(i == 0 ? " " : ", ");
            TextFormat.AppendQuoted(builder, _elements[i].Name);
            builder.Append(": ");
            _elements[i].Value.AppendTo(builder);
        }

        builder.Append(_elements.Count == 0 ? "}" : " }");
    }

    private Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(_elements.Count, StringComparer.Ordinal);
        for (int i = 0; i < _elements.Count; i++)
        {
            index.TryAdd(_elements[i].Name, i);
        }

        return index;
    }
}
