using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Outpost.Bson;
using Outpost.Bson.Serialization;

namespace Outpost.Wire.Commands.Queries;

/// <summary>
/// A complete find reply (cursor id 0, at most one document) whose document stays the stored BSON: the dispatcher
/// writes <c>{cursor: {firstBatch: [doc], id: 0, ns}, ok: 1.0, $clusterTime, operationTime}</c> straight to bytes, the
/// same document <see cref="CursorReplies.Reply"/> plus <see cref="Hosting.WireHost.Decorate"/> build, without decoding
/// the document into a DOM and encoding it again (most of a find-by-_id's CPU otherwise).
/// </summary>
public sealed class RawCursorReply
{
    private readonly byte[]? _document;
    private readonly string _ns;

    /// <summary>A reply carrying <paramref name="document"/> (null: an empty batch) for namespace <paramref name="ns"/>.</summary>
    public RawCursorReply(byte[]? document, string ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        _document = document;
        _ns = ns;
    }

    /// <summary>The reply as a DOM, without the cluster-time fields (for the rare paths that amend a reply).</summary>
    public BsonDocument ToDocument() =>
        CursorReplies.Reply("firstBatch", _document is null ? [] : [BsonSerializer.Deserialize(_document)], 0, _ns, null);

    /// <summary>Writes the reply with <paramref name="clusterTime"/> as <c>$clusterTime</c> and <c>operationTime</c>.</summary>
    public void Write(IBufferWriter<byte> output, BsonTimestamp clusterTime)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(clusterTime);
        int nsLength = Encoding.UTF8.GetByteCount(_ns);
        int docLength = _document?.Length ?? 0;
        int size = FixedSize + nsLength + (_document is null ? 0 : 3 + docLength);
        var span = output.GetSpan(size);
        int p = 0;
        p += 4; // top-level length, written last
        int cursorStart = Element(span, ref p, 0x03, "cursor"u8);
        p += 4;
        int batchStart = Element(span, ref p, 0x04, "firstBatch"u8);
        p += 4;
        if (_document is not null)
        {
            Element(span, ref p, 0x03, "0"u8);
            _document.CopyTo(span[p..]);
            p += docLength;
        }
        span[p++] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(span[batchStart..], p - batchStart);
        Element(span, ref p, 0x12, "id"u8);
        BinaryPrimitives.WriteInt64LittleEndian(span[p..], 0);
        p += 8;
        Element(span, ref p, 0x02, "ns"u8);
        BinaryPrimitives.WriteInt32LittleEndian(span[p..], nsLength + 1);
        p += 4;
        p += Encoding.UTF8.GetBytes(_ns, span[p..]);
        span[p++] = 0;
        span[p++] = 0; // end of cursor
        BinaryPrimitives.WriteInt32LittleEndian(span[cursorStart..], p - cursorStart);
        Element(span, ref p, 0x01, "ok"u8);
        BinaryPrimitives.WriteDoubleLittleEndian(span[p..], 1.0);
        p += 8;
        int clusterStart = Element(span, ref p, 0x03, "$clusterTime"u8);
        p += 4;
        Element(span, ref p, 0x11, "clusterTime"u8);
        BinaryPrimitives.WriteUInt64LittleEndian(span[p..], clusterTime.Value);
        p += 8;
        int signatureStart = Element(span, ref p, 0x03, "signature"u8);
        p += 4;
        Element(span, ref p, 0x05, "hash"u8);
        BinaryPrimitives.WriteInt32LittleEndian(span[p..], 20);
        p += 4;
        span[p++] = 0; // binary subtype generic
        span.Slice(p, 20).Clear();
        p += 20;
        Element(span, ref p, 0x12, "keyId"u8);
        BinaryPrimitives.WriteInt64LittleEndian(span[p..], 0);
        p += 8;
        span[p++] = 0; // end of signature
        BinaryPrimitives.WriteInt32LittleEndian(span[signatureStart..], p - signatureStart);
        span[p++] = 0; // end of $clusterTime
        BinaryPrimitives.WriteInt32LittleEndian(span[clusterStart..], p - clusterStart);
        Element(span, ref p, 0x11, "operationTime"u8);
        BinaryPrimitives.WriteUInt64LittleEndian(span[p..], clusterTime.Value);
        p += 8;
        span[p++] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(span, p);
        output.Advance(p);
    }

    // Every byte of the reply except the namespace's and the document's (with its "0" key): lengths, type bytes,
    // names and terminators. Exact, so the span asked for is the span written.
    private const int FixedSize =
        4 + (1 + 7) + 4 + (1 + 11) + 4 + 1 + (1 + 3 + 8) + (1 + 3 + 4 + 1) + 1 // top length, cursor: {firstBatch: [], id, ns}
        + (1 + 3 + 8) // ok
        + (1 + 13) + 4 + (1 + 12 + 8) + (1 + 10) + 4 + (1 + 5 + 4 + 1 + 20) + (1 + 6 + 8) + 1 + 1 // $clusterTime
        + (1 + 14 + 8) + 1; // operationTime, end

    /// <summary>Writes an element's type and name; returns where its value starts.</summary>
    private static int Element(Span<byte> span, ref int p, byte type, ReadOnlySpan<byte> name)
    {
        span[p++] = type;
        name.CopyTo(span[p..]);
        p += name.Length;
        span[p++] = 0;
        return p;
    }
}
