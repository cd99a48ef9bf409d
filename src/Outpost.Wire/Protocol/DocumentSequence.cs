using System.Buffers.Binary;

namespace Outpost.Wire.Protocol;

/// <summary>An OP_MSG kind-1 section: an identifier (the command field it fills, e.g. <c>documents</c>) and its BSON documents back to back.</summary>
/// <param name="Identifier">The field of the command the documents belong to.</param>
/// <param name="Documents">The documents, concatenated; each was length-checked by the parser.</param>
public readonly record struct DocumentSequence(string Identifier, ReadOnlyMemory<byte> Documents)
{
    /// <summary>Splits <see cref="Documents"/> into one memory slice per document.</summary>
    public List<ReadOnlyMemory<byte>> Split()
    {
        var result = new List<ReadOnlyMemory<byte>>();
        var rest = Documents;
        while (!rest.IsEmpty)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(rest.Span);
            result.Add(rest[..length]);
            rest = rest[length..];
        }
        return result;
    }
}
