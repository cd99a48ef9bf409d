using System.Buffers;
using System.Buffers.Binary;

namespace Outpost.Bson.Serialization;

/// <summary>Binary BSON encoding and strict decoding of <see cref="BsonDocument"/>s.</summary>
public static class BsonSerializer
{
    /// <summary>Decodes exactly one document occupying all of <paramref name="bson"/>.</summary>
    /// <exception cref="BsonFormatException">On any malformed input (the only exception type thrown for bad bytes).</exception>
    public static BsonDocument Deserialize(ReadOnlySpan<byte> bson, BsonReaderOptions? options = null)
    {
        var reader = new BsonBinaryReader(bson, options ?? BsonReaderOptions.Default);
        return reader.ReadTopLevel();
    }

    /// <summary>Decodes exactly one document occupying all of <paramref name="bson"/> (possibly multi-segment).</summary>
    /// <exception cref="BsonFormatException">On any malformed input.</exception>
    public static BsonDocument Deserialize(ReadOnlySequence<byte> bson, BsonReaderOptions? options = null)
    {
        if (bson.IsSingleSegment)
        {
            return Deserialize(bson.FirstSpan, options);
        }

        options ??= BsonReaderOptions.Default;
        // Check the prefix before renting, so the copy is bounded by both the real input and the configured limit.
        if (bson.Length < 5)
        {
            throw new BsonFormatException($"Input of {bson.Length} bytes is shorter than the smallest document (5 bytes)", 0);
        }

        Span<byte> prefix = stackalloc byte[4];
        bson.Slice(0, 4).CopyTo(prefix);
        int declared = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (declared > options.MaxDocumentSize)
        {
            throw new BsonFormatException($"Document length {declared} exceeds the maximum of {options.MaxDocumentSize} bytes", 0);
        }

        if (declared != bson.Length)
        {
            throw new BsonFormatException($"Document length prefix {declared} does not match the input length {bson.Length}", 0);
        }

        var rented = ArrayPool<byte>.Shared.Rent(declared);
        try
        {
            bson.CopyTo(rented);
            return Deserialize(rented.AsSpan(0, declared), options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Encodes <paramref name="document"/> into a new array.</summary>
    /// <exception cref="BsonFormatException">When a name or cstring contains NUL, or nesting is unreasonably deep.</exception>
    public static byte[] Serialize(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var writer = new BsonBinaryWriter();
        writer.WriteDocument(document);
        return writer.Written.ToArray();
    }

    /// <summary>Encodes <paramref name="document"/> into <paramref name="output"/>.</summary>
    public static void Serialize(BsonDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new BsonBinaryWriter();
        writer.WriteDocument(document);
        var written = writer.Written;
        written.CopyTo(output.GetSpan(written.Length));
        output.Advance(written.Length);
    }

    /// <summary>The number of bytes <see cref="Serialize(BsonDocument)"/> would produce.</summary>
    public static int GetSerializedSize(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return BsonSizeCalculator.DocumentSize(document);
    }
}
