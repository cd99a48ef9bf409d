namespace Outpost.Bson.Json;

/// <summary>Thrown when text is not valid (Extended) JSON or describes an impossible BSON value; names the position.</summary>
public sealed class BsonJsonException : FormatException
{
    public BsonJsonException() { }
    public BsonJsonException(string message) : base(message) { }
    public BsonJsonException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates an exception whose message names the character offset (and line/column) of the problem.</summary>
    public BsonJsonException(string message, int position, int line, int column)
        : base($"{message} (at position {position}, line {line}, column {column})")
    {
        Position = position;
        Line = line;
        Column = column;
    }

    /// <summary>Zero-based character offset of the problem in the input, or -1.</summary>
    public int Position { get; } = -1;

    /// <summary>One-based line of the problem, or 0.</summary>
    public int Line { get; }

    /// <summary>One-based column of the problem, or 0.</summary>
    public int Column { get; }
}
