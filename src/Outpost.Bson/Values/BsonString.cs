using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>
/// A BSON UTF-8 string. A decoded string keeps its validated UTF-8 bytes (a slice of a buffer shared by the strings of
/// one decoded document) and creates the .NET <see cref="string"/> only when <see cref="Value"/> is first read; writing,
/// comparing, hashing and index-key encoding work on the bytes, so a document that is decoded, filtered and re-encoded
/// never transcodes its strings. A string created from a .NET string holds just that string.
/// </summary>
public sealed class BsonString : BsonValue
{
    // Either _utf8 (decoded) or _value (constructed) is set from the start; a decoded string caches _value on first read.
    // The lazy cache is a benign race: every thread computes an equal string and a reference write is atomic.
    private readonly byte[]? _utf8;
    private readonly int _offset;
    private readonly int _length;
    private string? _value;

    /// <summary>Creates a string value.</summary>
    public BsonString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>Wraps already validated UTF-8 bytes (the decoder's path); the bytes must never change afterwards.</summary>
    internal BsonString(byte[] utf8, int offset, int length)
    {
        _utf8 = utf8;
        _offset = offset;
        _length = length;
    }

    /// <summary>The text (created from the UTF-8 bytes on first read, then cached).</summary>
    public string Value => _value ?? Materialize();

    public override BsonType Type => BsonType.String;

    /// <summary>Whether the value holds its UTF-8 bytes (decoded values do), so <see cref="Utf8"/> costs nothing.</summary>
    internal bool HasUtf8 => _utf8 is not null;

    /// <summary>The UTF-8 bytes of a decoded value; empty for a value created from a .NET string (check <see cref="HasUtf8"/>).</summary>
    internal ReadOnlySpan<byte> Utf8 => new(_utf8, _offset, _length);

    internal override void AppendTo(StringBuilder builder) => TextFormat.AppendQuoted(builder, Value);

    private string Materialize()
    {
        // The bytes were validated as strict UTF-8 when decoded, so this cannot meet an invalid sequence.
        var utf8 = Utf8;
        string text = System.Text.Ascii.IsValid(utf8)
            ? string.Create(utf8.Length, this, static (chars, self) => System.Text.Ascii.ToUtf16(self.Utf8, chars, out _))
            : Encoding.UTF8.GetString(utf8);
        _value = text;
        return text;
    }
}
