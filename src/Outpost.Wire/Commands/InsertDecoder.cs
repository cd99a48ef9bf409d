using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Commands;

/// <summary>
/// Decodes an OP_MSG insert command except its documents, which stay encoded (slices of the request) for
/// <c>Collection.InsertRawAsync</c>: decoding a batch into a DOM only for the engine to encode it again was most of the
/// server's work per insert batch. Everything but the documents is decoded strictly here; the documents array's own
/// structure is checked here and each document by the engine (so no byte is validated twice).
/// </summary>
internal static class InsertDecoder
{
    /// <summary>True when the command document's first field is <c>insert</c> (checked on the bytes).</summary>
    public static bool IsInsert(ReadOnlySpan<byte> body) => body.Length >= 12 && body.Slice(5, 7).SequenceEqual("insert\0"u8);

    /// <summary>
    /// The command without its documents, and the documents (from the body's <c>documents</c> array or the kind-1
    /// sequence of that name, which wins as it would when merged). <paramref name="documents"/> is null when there are
    /// none to hand over raw (missing, or an element that is not a document — the handler reports that as before).
    /// </summary>
    /// <exception cref="BsonFormatException">When the body is malformed.</exception>
    public static BsonDocument Decode(WireRequest request, BsonReaderOptions options, out IReadOnlyList<ReadOnlyMemory<byte>>? documents)
    {
        var body = request.Body;
        var span = body.Span;
        if (span.Length < 5) throw new BsonFormatException($"Input of {span.Length} bytes is shorter than the smallest document (5 bytes)", 0);
        int declared = BinaryPrimitives.ReadInt32LittleEndian(span);
        if (declared > options.MaxDocumentSize) throw new BsonFormatException($"Document length {declared} exceeds the maximum of {options.MaxDocumentSize} bytes", 0);
        if (declared != span.Length) throw new BsonFormatException($"Document length prefix {declared} does not match the input length {span.Length}", 0);
        var command = new BsonDocument();
        documents = null;
        // The view bounds-checks every element; names are checked here, values by their strict decode (or Split).
        foreach (var element in new BsonDocumentView(span))
        {
            if (!Utf8.IsValid(element.Name)) throw new BsonFormatException("Name or cstring is not valid UTF-8", 0);
            if (documents is null && element.Value.Type == BsonType.Array && element.Name.SequenceEqual("documents"u8))
            {
                documents = Split(body, element.Value.Raw);
                if (documents is not null) continue;
            }
            command.Add(element.GetName(), element.Value.ToBsonValue(options));
        }

        foreach (var sequence in request.Sequences)
        {
            if (sequence.Identifier != "documents") continue;
            var split = sequence.Split();
            documents = split;
            command.Remove("documents");
        }
        return command;
    }

    /// <summary>Owned copies of request-backed documents, for a handler that may outlive the request.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>>? Detach(IReadOnlyList<ReadOnlyMemory<byte>>? documents)
    {
        if (documents is null) return null;
        var copies = new ReadOnlyMemory<byte>[documents.Count];
        for (int i = 0; i < copies.Length; i++) copies[i] = documents[i].ToArray();
        return copies;
    }

    // Checks the array's own structure as the decoder would (keys, lengths); each document's contents are left to the
    // engine. Null when an element is not a document: the caller then decodes the array strictly instead.
    private static List<ReadOnlyMemory<byte>>? Split(ReadOnlyMemory<byte> body, ReadOnlySpan<byte> array)
    {
        int offset = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(body.Span), ref MemoryMarshal.GetReference(array));
        int end = array.Length - 1; // the view checked the length prefix; the terminator is checked here
        if (end < 4 || array[end] != 0) throw new BsonFormatException("Document is not terminated by a NUL byte", offset + end);
        var result = new List<ReadOnlyMemory<byte>>();
        int position = 4;
        while (position < end)
        {
            byte type = array[position++];
            int nul = array[position..end].IndexOf((byte)0);
            if (nul < 0) throw new BsonFormatException("Missing NUL terminator of a name or cstring", offset + position);
            if (!Utf8.IsValid(array.Slice(position, nul))) throw new BsonFormatException("Name or cstring is not valid UTF-8", offset + position);
            position += nul + 1;
            if (type != (byte)BsonType.Document) return null;
            if (end - position < 4) throw new BsonFormatException("Truncated input: 4 bytes needed", offset + position);
            int length = BinaryPrimitives.ReadInt32LittleEndian(array[position..]);
            if (length < 5 || length > end - position) throw new BsonFormatException($"Document length {length} runs past the end of its enclosing data", offset + position);
            result.Add(body.Slice(offset + position, length));
            position += length;
        }
        return result;
    }
}
