namespace Outpost.Bson.Serialization;

/// <summary>
/// Thrown when bytes are not valid BSON (or a value cannot be written as BSON).
/// The codec never lets another exception type escape on malformed input.
/// </summary>
public sealed class BsonFormatException : FormatException
{
    public BsonFormatException() { }
    public BsonFormatException(string message) : base(message) { }
    public BsonFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates an exception whose message names the byte offset where decoding failed.</summary>
    public BsonFormatException(string message, int offset) : base($"{message} (at byte offset {offset})") => Offset = offset;

    /// <summary>Byte offset into the input where the problem was found, or -1 when not applicable.</summary>
    public int Offset { get; } = -1;
}
