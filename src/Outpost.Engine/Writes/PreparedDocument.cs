using System.Buffers.Binary;
using Outpost.Bson;
using Outpost.Bson.Serialization;

namespace Outpost.Engine.Writes;

/// <summary>
/// A document ready to be inserted (_id first, _id rules checked), held as a DOM, as its stored BSON bytes, or both.
/// Each form is made only when first asked for: a DOM insert is encoded once by the writer, and a document that arrived
/// as bytes (the wire's insert) is stored as it came and decoded only when a validator, a time-series rule or a
/// secondary index needs its fields.
/// </summary>
internal sealed class PreparedDocument
{
    /// <summary>
    /// Limits for reading document bytes given to insert: no size limit (the bytes are in memory already, and an
    /// oversized document must be the per-document write error 10334, as on the DOM path, not a format error).
    /// </summary>
    public static readonly BsonReaderOptions ReadLimits = new() { MaxDocumentSize = int.MaxValue };

    private BsonDocument? _document;
    private byte[]? _bytes;

    private PreparedDocument(BsonDocument? document, byte[]? bytes, BsonValue id)
    {
        _document = document;
        _bytes = bytes;
        Id = id;
    }

    /// <summary>The document's _id.</summary>
    public BsonValue Id { get; }

    /// <summary>The document as a DOM (decoded from the bytes on first use).</summary>
    public BsonDocument Document => _document ??= BsonSerializer.Deserialize(_bytes!, ReadLimits);

    /// <summary>The stored bytes (encoded from the DOM on first use; throws 10334 when over 16 MiB).</summary>
    public byte[] Bytes => _bytes ??= DocumentWriter.Serialize(_document!);

    /// <summary>Wraps a document already passed through <see cref="DocumentWriter.PrepareForInsert"/>.</summary>
    public static PreparedDocument FromDocument(BsonDocument prepared) => new(prepared, null, prepared["_id"]);

    /// <summary>
    /// Prepares a document from bytes that <see cref="BsonValidator.Validate"/> accepted, with the same outcome as
    /// <see cref="DocumentWriter.PrepareForInsert"/> on its decoded form: _id first stays as it is; a missing _id gets a
    /// new ObjectId in front; bytes the encoder would not reproduce, or an _id elsewhere, take the DOM route.
    /// </summary>
    public static PreparedDocument FromValidatedBytes(ReadOnlySpan<byte> bson, bool canonical)
    {
        if (canonical)
        {
            var view = new BsonDocumentView(bson);
            var elements = view.GetEnumerator();
            if (elements.MoveNext() && elements.Current.Name.SequenceEqual("_id"u8))
            {
                var id = elements.Current.Value.ToBsonValue(ReadLimits);
                DocumentWriter.ValidateId(id);
                return new PreparedDocument(null, bson.ToArray(), id);
            }

            if (!view.TryGetElement("_id"u8, out _)) return WithNewId(bson);
        }

        return FromDocument(DocumentWriter.PrepareForInsert(BsonSerializer.Deserialize(bson, ReadLimits)));
    }

    // { _id: ObjectId(...) } followed by the original elements: 1 type byte + "_id\0" + 12 id bytes in front.
    private static PreparedDocument WithNewId(ReadOnlySpan<byte> bson)
    {
        const int Added = 1 + 4 + 12;
        var id = ObjectId.GenerateNewId();
        var bytes = new byte[bson.Length + Added];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, bytes.Length);
        bytes[4] = (byte)BsonType.ObjectId;
        "_id\0"u8.CopyTo(bytes.AsSpan(5));
        id.WriteTo(bytes.AsSpan(9, 12));
        bson[4..].CopyTo(bytes.AsSpan(4 + Added));
        return new PreparedDocument(null, bytes, new BsonObjectId(id));
    }
}
