using System.Buffers;
using Outpost.Bson;
using Outpost.Bson.Keys;

namespace Outpost.Engine.Keys;

/// <summary>The engine's key seam backed by Outpost.Bson's <see cref="BsonKeyEncoder"/> (numbers normalized across types).</summary>
internal sealed class BsonKeyEncoderAdapter : IKeyEncoder
{
    public static BsonKeyEncoderAdapter Instance { get; } = new();

    public void Encode(BsonValue value, bool descending, ArrayBufferWriter<byte> output) => BsonKeyEncoder.Encode(value, descending, output);
}
