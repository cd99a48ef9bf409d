using System.Text;

namespace Outpost.Bson;

/// <summary>One element of a <see cref="BsonDocumentView"/>: the UTF-8 name and the value, both in place.</summary>
public readonly ref struct BsonElementView
{
    internal BsonElementView(ReadOnlySpan<byte> name, BsonValueView value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The element name as UTF-8 bytes (no terminator).</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>The element value.</summary>
    public BsonValueView Value { get; }

    /// <summary>The name as a string (allocates).</summary>
    public string GetName() => Encoding.UTF8.GetString(Name);
}
