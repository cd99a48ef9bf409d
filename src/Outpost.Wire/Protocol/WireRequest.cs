using Outpost.Wire.Compression;

namespace Outpost.Wire.Protocol;

/// <summary>
/// One decoded request: an OP_MSG (body and document sequences) or a legacy OP_QUERY command.
/// Its memory is pooled and valid only while the request handler runs.
/// </summary>
public sealed class WireRequest
{
    /// <summary>The header of the message as received (for OP_COMPRESSED, the outer header).</summary>
    public required MessageHeader Header { get; init; }

    /// <summary>Length of the message, header included, after decompression (equal to the frame's when uncompressed).</summary>
    public required int MessageLength { get; init; }

    /// <summary>The opCode of the (decompressed) message: <see cref="OpCode.Msg"/> or <see cref="OpCode.Query"/>.</summary>
    public required OpCode OpCode { get; init; }

    /// <summary>The compressor the request arrived with; replies use the same one. Null when uncompressed.</summary>
    public CompressorId? Compressor { get; init; }

    /// <summary>OP_MSG flagBits (<see cref="OpMsgFlags.None"/> for OP_QUERY).</summary>
    public OpMsgFlags Flags { get; init; }

    /// <summary>The command document: the OP_MSG kind-0 section or the OP_QUERY query.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>OP_MSG kind-1 sections, in wire order.</summary>
    public IReadOnlyList<DocumentSequence> Sequences { get; init; } = [];

    /// <summary>OP_QUERY's fullCollectionName (e.g. <c>admin.$cmd</c>); null for OP_MSG.</summary>
    public string? FullCollectionName { get; init; }

    /// <summary>True when the client will not read a reply (OP_MSG moreToCome).</summary>
    public bool MoreToCome => (Flags & OpMsgFlags.MoreToCome) != 0;

    /// <summary>True when the client accepts several replies (OP_MSG exhaustAllowed).</summary>
    public bool ExhaustAllowed => (Flags & OpMsgFlags.ExhaustAllowed) != 0;

    /// <summary>True when the request carried a CRC-32C; replies then carry one too.</summary>
    public bool ChecksumPresent => (Flags & OpMsgFlags.ChecksumPresent) != 0;
}
