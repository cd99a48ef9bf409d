using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Commands;

/// <summary>
/// Decodes an OP_MSG insert command except its documents, which stay encoded (slices of the request) for
/// <c>Collection.InsertRawAsync</c>: decoding a batch into a DOM only for the engine to encode it again was most of the
/// server's work per insert batch. The bytes are validated exactly as a full decode would validate them.
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
        BsonValidator.Validate(body.Span, options);
        var command = new BsonDocument();
        documents = null;
        foreach (var element in new BsonDocumentView(body.Span))
        {
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

    // The array was validated with the body, so its lengths are trusted here.
    private static List<ReadOnlyMemory<byte>>? Split(ReadOnlyMemory<byte> body, ReadOnlySpan<byte> array)
    {
        int offset = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(body.Span), ref MemoryMarshal.GetReference(array));
        var result = new List<ReadOnlyMemory<byte>>();
        int position = 4;
        while (position < array.Length - 1)
        {
            byte type = array[position++];
            position += array[position..].IndexOf((byte)0) + 1;
            if (type != (byte)BsonType.Document) return null;
            int length = BinaryPrimitives.ReadInt32LittleEndian(array[position..]);
            result.Add(body.Slice(offset + position, length));
            position += length;
        }
        return result;
    }
}
