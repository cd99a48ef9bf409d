using System.Buffers;
using Outpost.Bson;

namespace Outpost.Engine.Keys;

/// <summary>
/// Order-preserving encoding of BSON values: bytewise comparison of encodings equals MongoDB's comparison order,
/// and each encoding is self-delimiting so compound keys are plain concatenations. The engine codes against this
/// seam so the encoder from Outpost.Bson can replace the fallback without touching index code.
/// </summary>
internal interface IKeyEncoder
{
    /// <summary>Appends the encoding of <paramref name="value"/>; descending inverts every byte.</summary>
    void Encode(BsonValue value, bool descending, ArrayBufferWriter<byte> output);
}
