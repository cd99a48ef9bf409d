using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Outpost.Wire.Buffers;
using Outpost.Wire.Compression;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Tests.Support;

/// <summary>A deliberately small wire client that speaks raw frames, so tests control every byte.</summary>
public sealed class RawWireClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private int _requestId;

    private RawWireClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawWireClient> ConnectAsync(IPEndPoint endPoint)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endPoint);
        return new RawWireClient(tcp);
    }

    public int LastRequestId => _requestId;

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Builds an OP_MSG frame; sequences are (identifier, documents) pairs.</summary>
    public byte[] BuildMsg(byte[] body, OpMsgFlags flags = OpMsgFlags.None, IEnumerable<(string Id, byte[][] Docs)>? sequences = null, int? requestId = null)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(0);
        w.Write(requestId ?? ++_requestId);
        w.Write(0);
        w.Write((int)OpCode.Msg);
        w.Write((uint)flags);
        w.Write((byte)0);
        w.Write(body);
        foreach (var (id, docs) in sequences ?? [])
        {
            w.Write((byte)1);
            byte[] name = Encoding.UTF8.GetBytes(id);
            w.Write(4 + name.Length + 1 + docs.Sum(d => d.Length));
            w.Write(name);
            w.Write((byte)0);
            foreach (var d in docs) w.Write(d);
        }
        if ((flags & OpMsgFlags.ChecksumPresent) != 0) w.Write(0u);
        byte[] frame = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length);
        if ((flags & OpMsgFlags.ChecksumPresent) != 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(frame.Length - 4), Crc32C.Compute(frame.AsSpan(0, frame.Length - 4)));
        }
        return frame;
    }

    public static byte[] BuildQuery(string fullCollectionName, byte[] query, int requestId)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(0);
        w.Write(requestId);
        w.Write(0);
        w.Write((int)OpCode.Query);
        w.Write(0);
        w.Write(Encoding.UTF8.GetBytes(fullCollectionName));
        w.Write((byte)0);
        w.Write(0);
        w.Write(-1);
        w.Write(query);
        byte[] frame = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length);
        return frame;
    }

    public static byte[] Compress(byte[] frame, CompressorId compressor)
    {
        var header = MessageHeader.Read(frame);
        using var compressed = new PooledBufferWriter();
        MessageCompression.Compress(compressor, frame.AsSpan(16), compressed);
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(16 + 9 + compressed.WrittenCount);
        w.Write(header.RequestId);
        w.Write(header.ResponseTo);
        w.Write((int)OpCode.Compressed);
        w.Write((int)header.OpCode);
        w.Write(frame.Length - 16);
        w.Write((byte)compressor);
        w.Write(compressed.WrittenSpan);
        return ms.ToArray();
    }

    public async Task<byte[]> SendMsgAsync(byte[] body, OpMsgFlags flags = OpMsgFlags.None)
    {
        await SendRawAsync(BuildMsg(body, flags));
        return (await ReceiveAsync()).Body;
    }

    /// <summary>Reads one reply frame, decompressing OP_COMPRESSED; returns the header and the first document.</summary>
    public async Task<RawReply> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        byte[] head = new byte[16];
        await _stream.ReadExactlyAsync(head, cts.Token);
        var header = MessageHeader.Read(head);
        byte[] frame = new byte[header.MessageLength];
        head.CopyTo(frame, 0);
        await _stream.ReadExactlyAsync(frame.AsMemory(16), cts.Token);
        CompressorId? compressor = null;
        int frameLength = frame.Length;
        if (header.OpCode == OpCode.Compressed)
        {
            var inner = (OpCode)BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(16));
            int size = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(20));
            compressor = (CompressorId)frame[24];
            byte[] full = new byte[size + 16];
            new MessageHeader(size + 16, header.RequestId, header.ResponseTo, inner).Write(full);
            MessageCompression.Decompress(compressor.Value, frame.AsSpan(25), full.AsSpan(16));
            frame = full;
            header = MessageHeader.Read(frame);
        }
        if (header.OpCode == OpCode.Reply)
        {
            return new RawReply(header, OpMsgFlags.None, frame[36..], compressor, ChecksumValid: null, frameLength);
        }
        var flags = (OpMsgFlags)BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(16));
        Assert.Equal(0, frame[20]);
        int len = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(21));
        bool? checksumValid = null;
        if ((flags & OpMsgFlags.ChecksumPresent) != 0)
        {
            checksumValid = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(frame.Length - 4)) == Crc32C.Compute(frame.AsSpan(0, frame.Length - 4));
        }
        return new RawReply(header, flags, frame.AsSpan(21, len).ToArray(), compressor, checksumValid, frameLength);
    }

    /// <summary>True when the server closed the connection (read returns 0 or fails) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            byte[] one = new byte[1];
            while (true)
            {
                int n = await _stream.ReadAsync(one, cts.Token);
                if (n == 0) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <param name="FrameLength">The frame's length as received (compressed for OP_COMPRESSED).</param>
public sealed record RawReply(MessageHeader Header, OpMsgFlags Flags, byte[] Body, CompressorId? Compressor, bool? ChecksumValid, int FrameLength = 0);
