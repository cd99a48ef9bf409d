using Outpost.Wire.Compression;
using Outpost.Wire.Protocol;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Protocol;

public class WireMessageParserTests
{
    private static byte[] Msg(byte[] body, OpMsgFlags flags = OpMsgFlags.None, IEnumerable<(string, byte[][])>? seq = null)
        => RawWireClientFrames.Msg(body, flags, seq);

    [Fact]
    public void Parses_body_and_document_sequences()
    {
        byte[] frame = Msg(RawBson.Int32Doc("insert", 1), OpMsgFlags.None, [("documents", [RawBson.Int32Doc("a", 1), RawBson.Int32Doc("a", 2)])]);
        var request = WireMessageParser.Parse(frame, 1 << 20, out var rented);
        Assert.Null(rented);
        Assert.Equal(OpCode.Msg, request.OpCode);
        Assert.Equal(RawBson.Int32Doc("insert", 1), request.Body.ToArray());
        var seq = Assert.Single(request.Sequences);
        Assert.Equal("documents", seq.Identifier);
        Assert.Equal(2, seq.Split().Count);
        Assert.Equal(RawBson.Int32Doc("a", 2), seq.Split()[1].ToArray());
    }

    [Fact]
    public void Verifies_the_checksum()
    {
        byte[] frame = Msg(RawBson.Int32Doc("ping", 1), OpMsgFlags.ChecksumPresent);
        Assert.True(WireMessageParser.Parse(frame, 1 << 20, out _).ChecksumPresent);
        frame[^6] ^= 0x40;
        Assert.Throws<WireProtocolException>(() => WireMessageParser.Parse(frame, 1 << 20, out _));
    }

    [Fact]
    public void Rejects_unknown_required_flags_and_section_kinds()
    {
        Assert.Throws<WireProtocolException>(() => WireMessageParser.Parse(Msg(RawBson.Int32Doc("ping", 1), (OpMsgFlags)(1 << 5)), 1 << 20, out _));
        byte[] frame = Msg(RawBson.Int32Doc("ping", 1));
        frame[20] = 7;
        Assert.Throws<WireProtocolException>(() => WireMessageParser.Parse(frame, 1 << 20, out _));
    }

    [Fact]
    public void Rejects_bad_document_lengths()
    {
        byte[] frame = Msg(RawBson.Int32Doc("ping", 1));
        frame[21] = 200; // body length beyond the frame
        Assert.Throws<WireProtocolException>(() => WireMessageParser.Parse(frame, 1 << 20, out _));
    }

    [Theory]
    [InlineData(CompressorId.Snappy)]
    [InlineData(CompressorId.Zlib)]
    [InlineData(CompressorId.Noop)]
    public void Decompresses_OP_COMPRESSED_and_keeps_the_compressor(CompressorId compressor)
    {
        byte[] frame = RawWireClient.Compress(Msg(RawBson.Int32Doc("ping", 1), OpMsgFlags.ChecksumPresent), compressor);
        var request = WireMessageParser.Parse(frame, 1 << 20, out var rented);
        Assert.NotNull(rented);
        Assert.Equal(compressor, request.Compressor);
        Assert.Equal(RawBson.Int32Doc("ping", 1), request.Body.ToArray());
        System.Buffers.ArrayPool<byte>.Shared.Return(rented!);
    }

    [Fact]
    public void Parses_the_legacy_OP_QUERY_handshake()
    {
        byte[] frame = RawWireClient.BuildQuery("admin.$cmd", RawBson.Int32Doc("isMaster", 1), 7);
        var request = WireMessageParser.Parse(frame, 1 << 20, out _);
        Assert.Equal(OpCode.Query, request.OpCode);
        Assert.Equal("admin.$cmd", request.FullCollectionName);
        Assert.Equal(7, request.Header.RequestId);
    }
}

internal static class RawWireClientFrames
{
    public static byte[] Msg(byte[] body, OpMsgFlags flags, IEnumerable<(string, byte[][])>? seq)
    {
        // BuildMsg is an instance method only for the request counter; a throwaway builder is enough here.
        var builder = (RawWireClient)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(RawWireClient));
        return builder.BuildMsg(body, flags, seq, requestId: 1);
    }
}
