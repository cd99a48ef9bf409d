using System.Globalization;
using System.Text;

namespace Outpost.Bson;

/// <summary>BSON binary data: a subtype byte and the payload (for subtype 0x02 the payload excludes its inner length).</summary>
public sealed class BsonBinary : BsonValue
{
    private readonly byte[] _data;

    /// <summary>Creates a binary value; the bytes are copied so the value stays immutable.</summary>
    public BsonBinary(ReadOnlySpan<byte> data, BsonBinarySubType subType = BsonBinarySubType.Binary)
    {
        _data = data.ToArray();
        SubType = subType;
    }

    private BsonBinary(byte[] data, BsonBinarySubType subType, bool owned)
    {
        _ = owned;
        _data = data;
        SubType = subType;
    }

    public BsonBinarySubType SubType { get; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    public override BsonType Type => BsonType.Binary;

    /// <summary>Subtype 4 with the RFC 4122 (network order) bytes of <paramref name="guid"/>.</summary>
    public static BsonBinary FromGuid(Guid guid)
    {
        var bytes = new byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        return new BsonBinary(bytes, BsonBinarySubType.UuidStandard, owned: true);
    }

    /// <summary>Reads a standard (subtype 4) UUID.</summary>
    /// <exception cref="InvalidOperationException">When the subtype is not 4 or the payload is not 16 bytes.</exception>
    public Guid ToGuid()
    {
        if (SubType != BsonBinarySubType.UuidStandard || _data.Length != 16)
        {
            throw new InvalidOperationException($"Binary subtype {(byte)SubType} with {_data.Length} bytes is not a standard UUID.");
        }

        return new Guid(_data, bigEndian: true);
    }

    /// <summary>Wraps an array the caller hands over (no copy); used by the decoder.</summary>
    internal static BsonBinary FromOwnedArray(byte[] data, BsonBinarySubType subType) => new(data, subType, owned: true);

    internal override void AppendTo(StringBuilder builder) =>
        builder.Append("{\"$binary\": {\"base64\": \"").Append(Convert.ToBase64String(_data))
            .Append("\", \"subType\": \"").Append(((byte)SubType).ToString("x2", CultureInfo.InvariantCulture)).Append("\"}}");
}
