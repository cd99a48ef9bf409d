using System.Buffers.Binary;
using Outpost.Bson;

namespace Outpost.Engine.ChangeStreams;

/// <summary>
/// Resume tokens: <c>{_data: hex}</c> of a version byte, the change-log position (8 bytes big-endian) and a kind
/// byte (0 event, 1 invalidate). Hex of big-endian positions sorts like the positions, as MongoDB's tokens do.
/// </summary>
internal static class ResumeToken
{
    private const byte Version = 0x82;

    public static BsonDocument Create(long position, bool invalidate = false)
    {
        Span<byte> bytes = stackalloc byte[10];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], position);
        bytes[9] = invalidate ? (byte)1 : (byte)0;
        return new BsonDocument("_data", Convert.ToHexString(bytes));
    }

    public static (long Position, bool Invalidate) Parse(BsonDocument token)
    {
        if (token.TryGetValue("_data", out var data) && data is BsonString hex && hex.Value.Length == 20)
        {
            try
            {
                var bytes = Convert.FromHexString(hex.Value);
                if (bytes[0] == Version && bytes[9] <= 1)
                    return (BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)), bytes[9] == 1);
            }
            catch (FormatException)
            {
                // fall through to the error below
            }
        }

        throw new MongoException(ErrorCodes.InvalidResumeToken, $"Bad resume token: {token}");
    }
}
