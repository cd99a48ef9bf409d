using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Outpost.Bson;

namespace Outpost.Engine.Keys;

/// <summary>
/// The engine's own order-preserving key encoding: a type-bracket byte, then an order-preserving body. Numbers are
/// compared as doubles (int64 beyond 2^53 and decimals lose precision in the key only; the FETCH filter re-checks).
/// </summary>
internal sealed class FallbackKeyEncoder : IKeyEncoder
{
    public static FallbackKeyEncoder Instance { get; } = new();

    public void Encode(BsonValue value, bool descending, ArrayBufferWriter<byte> output)
    {
        var start = output.WrittenCount;
        EncodeValue(value, output);
        if (descending)
        {
            // Every encoding is prefix-free, so inverting its bytes exactly reverses the order.
            var written = output.WrittenCount - start;
            var span = System.Runtime.InteropServices.MemoryMarshal.AsMemory(output.WrittenMemory).Span.Slice(start, written);
            for (var i = 0; i < span.Length; i++) span[i] = (byte)~span[i];
        }
    }

    private static void EncodeValue(BsonValue value, ArrayBufferWriter<byte> output)
    {
        // Brackets start at 0x10 so 0x00 stays free as the end-of-document/array marker.
        Put(output, (byte)(0x10 + BsonComparer.GetBracket(value.Type)));
        switch (value)
        {
            case BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128:
                PutDouble(output, value.ToDouble());
                break;
            case BsonString s: PutString(output, s.Value); break;
            case BsonSymbol s: PutString(output, s.Name); break;
            case BsonDocument doc:
                foreach (var e in doc)
                {
                    Put(output, (byte)(0x10 + BsonComparer.GetBracket(e.Value.Type)));
                    PutString(output, e.Name);
                    EncodeValue(e.Value, output);
                }

                Put(output, 0);
                break;
            case BsonArray arr:
                foreach (var item in arr) EncodeValue(item, output);
                Put(output, 0);
                break;
            case BsonBinary bin:
                {
                    var span = output.GetSpan(5);
                    BinaryPrimitives.WriteInt32BigEndian(span, bin.Data.Length);
                    span[4] = (byte)bin.SubType;
                    output.Advance(5);
                    output.Write(bin.Data.Span);
                    break;
                }

            case BsonObjectId oid:
                {
                    var span = output.GetSpan(12);
                    oid.Value.WriteTo(span);
                    output.Advance(12);
                    break;
                }

            case BsonBoolean b: Put(output, b.Value ? (byte)1 : (byte)0); break;
            case BsonDateTime dt: PutInt64(output, dt.MillisecondsSinceEpoch); break;
            case BsonTimestamp ts:
                {
                    var span = output.GetSpan(8);
                    BinaryPrimitives.WriteUInt64BigEndian(span, ts.Value);
                    output.Advance(8);
                    break;
                }

            case BsonRegularExpression re:
                PutString(output, re.Pattern);
                PutString(output, re.Options);
                break;
            case BsonJavaScript js: PutString(output, js.Code); break;
            case BsonJavaScriptWithScope jws:
                PutString(output, jws.Code);
                EncodeValue(jws.Scope, output);
                break;
            case BsonDBPointer p:
                PutString(output, p.Namespace);
                var idSpan = output.GetSpan(12);
                p.Id.WriteTo(idSpan);
                output.Advance(12);
                break;
            default:
                break; // MinKey, MaxKey, null, undefined: the bracket is the whole key
        }
    }

    private static void Put(ArrayBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }

    private static void PutDouble(ArrayBufferWriter<byte> output, double d)
    {
        if (double.IsNaN(d)) d = double.NegativeInfinity; // NaN sorts below every number in MongoDB
        if (d == 0) d = 0; // -0 == 0
        var bits = BitConverter.DoubleToInt64Bits(d);
        var ordered = bits < 0 ? ~(ulong)bits : (ulong)bits | 0x8000_0000_0000_0000UL;
        var span = output.GetSpan(8);
        BinaryPrimitives.WriteUInt64BigEndian(span, ordered);
        output.Advance(8);
    }

    private static void PutInt64(ArrayBufferWriter<byte> output, long v)
    {
        var span = output.GetSpan(8);
        BinaryPrimitives.WriteUInt64BigEndian(span, (ulong)v ^ 0x8000_0000_0000_0000UL);
        output.Advance(8);
    }

    /// <summary>UTF-8 with 0x00 escaped as 0x00 0xFF and a 0x00 0x00 terminator: prefix-free and order-preserving.</summary>
    private static void PutString(ArrayBufferWriter<byte> output, string s)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        var span = output.GetSpan((max * 2) + 2);
        var bytes = Encoding.UTF8.GetBytes(s, span[max..]);
        var pos = 0;
        for (var i = 0; i < bytes; i++)
        {
            var b = span[max + i];
            span[pos++] = b;
            if (b == 0) span[pos++] = 0xFF;
        }

        span[pos++] = 0;
        span[pos++] = 0;
        output.Advance(pos);
    }
}
