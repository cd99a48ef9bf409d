using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Outpost.Wire.Buffers;
using Outpost.Wire.Metrics;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Transport;

/// <summary>
/// One client connection: reads frames one at a time, hands each decoded request to the handler and writes its replies.
/// A malformed or oversized frame closes only this connection.
/// </summary>
public sealed partial class WireConnection : IAsyncDisposable
{
    private readonly Stream? _stream;
    private readonly PipeReader? _reader;
    private readonly PipeWriter? _writer;
    private readonly IWireRequestHandler _handler;
    private readonly ILogger _logger;
    private readonly int _maxMessageSize;
    private readonly WireTraffic _traffic;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stopping;
    private readonly CancellationTokenSource _aborted;
    private int _nextRequestId;

    /// <summary>
    /// A connection served by <paramref name="stream"/> through pipes (<see cref="RunAsync"/>), or, when
    /// <paramref name="socket"/> is given instead, by blocking calls on its own thread or asynchronous socket calls (<see cref="RunSocketAsync"/>).
    /// </summary>
    internal WireConnection(long id, Stream? stream, Socket? socket, EndPoint? remote, EndPoint? local, IWireRequestHandler handler,
        ILogger logger, int maxMessageSize, WireTraffic traffic, CancellationToken serverStopping, CancellationToken serverAborted)
    {
        Id = id;
        _traffic = traffic;
        RemoteEndPoint = remote;
        LocalEndPoint = local;
        _handler = handler;
        _logger = logger;
        _maxMessageSize = maxMessageSize;
        if (socket is not null)
        {
            _socket = socket;
            _sendBuffer = new PooledBufferWriter(SmallBuffer);
        }
        else
        {
            ArgumentNullException.ThrowIfNull(stream);
            _stream = stream;
            _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096));
            _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024));
        }
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(serverAborted);
    }

    /// <summary>Server-unique connection number (hello's connectionId).</summary>
    public long Id { get; }

    /// <summary>The client's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The client's address as text (currentOp's client), formatted once per connection.</summary>
    public string? RemoteAddressText => _remoteAddressText ??= RemoteEndPoint?.ToString();

    private string? _remoteAddressText;

    /// <summary>The server address the client connected to.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>Per-connection state owned by the request handler (sessions, authentication, client metadata).</summary>
    public object? HandlerState { get; set; }

    /// <summary>Cancelled when the server begins a graceful stop: long waits (awaitable hello, awaitData) should end early.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Cancelled when the connection is being torn down.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>
    /// Sends one reply to <paramref name="request"/> in its format (OP_MSG or OP_REPLY), with its compressor and checksum.
    /// Nothing is sent for a request that had moreToCome. <paramref name="moreToCome"/> marks a streamed (exhaust) reply.
    /// </summary>
    public async ValueTask SendAsync(WireRequest request, ReadOnlyMemory<byte> body, bool moreToCome = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MoreToCome) return;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IBufferWriter<byte> output = _socket is null ? _writer! : _sendBuffer!;
            int requestId = Interlocked.Increment(ref _nextRequestId);
            (int Message, int Frame) written;
            if (request.OpCode == OpCode.Query)
            {
                written = WireMessageWriter.WriteReply(output, requestId, request.Header.RequestId, body.Span, request.Compressor);
            }
            else
            {
                var flags = OpMsgFlags.None;
                if (request.ChecksumPresent) flags |= OpMsgFlags.ChecksumPresent;
                if (moreToCome) flags |= OpMsgFlags.MoreToCome;
                written = WireMessageWriter.WriteMsg(output, requestId, request.Header.RequestId, flags, body.Span, request.Compressor);
            }
            _traffic.Sent(written.Message, written.Frame);
            if (_socket is not null)
            {
                if (_onThread)
                {
                    SendBuffered();
                }
                else
                {
                    await SendBufferedAsync(cancellationToken).ConfigureAwait(false);
                }
                return;
            }
            var flush = await _writer!.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted) throw new IOException("connection closed by the client");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the connection at once (failpoint closeConnection, server shutdown).</summary>
    public void Abort()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        _reader?.CancelPendingRead();
        ShutdownSocket(SocketShutdown.Both);
    }

    internal async Task RunAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested && !_aborted.IsCancellationRequested)
            {
                ReadResult result;
                try
                {
                    result = await _reader!.ReadAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                if (result.IsCanceled) break;
                var buffer = result.Buffer;
                if (buffer.Length >= 4)
                {
                    int length = ReadLength(buffer);
                    if (!IsAcceptableFrameLength(length)) return;
                    if (buffer.Length >= length)
                    {
                        byte[] frame = ArrayPool<byte>.Shared.Rent(length);
                        try
                        {
                            buffer.Slice(0, length).CopyTo(frame);
                            _reader.AdvanceTo(buffer.GetPosition(length));
                            if (!await ProcessFrameAsync(frame.AsMemory(0, length)).ConfigureAwait(false)) return;
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(frame);
                        }
                        continue;
                    }
                }
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty) WireLog.ProtocolError(_logger, Id, RemoteEndPoint, $"connection ended inside a frame ({buffer.Length} bytes pending)");
                    return;
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the server aborted the connection: nothing to report.
        }
        catch (Exception e)
        {
            WireLog.ConnectionFailed(_logger, Id, e);
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> ProcessFrameAsync(ReadOnlyMemory<byte> frame)
    {
        WireRequest request;
        byte[]? rented;
        try
        {
            request = WireMessageParser.Parse(frame, _maxMessageSize, out rented);
        }
        catch (WireProtocolException e)
        {
            WireLog.ProtocolError(_logger, Id, RemoteEndPoint, e.Message);
            return false;
        }
        _traffic.Received(request.MessageLength, frame.Length);
        try
        {
            await _handler.HandleAsync(this, request, _aborted.Token).ConfigureAwait(false);
            return !_aborted.IsCancellationRequested;
        }
        catch (WireProtocolException e)
        {
            WireLog.ProtocolError(_logger, Id, RemoteEndPoint, e.Message);
            return false;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Whether a frame's declared length is one this connection reads; logs why not (both receive loops
    /// close the connection then, before buffering anything of the frame).</summary>
    private bool IsAcceptableFrameLength(int length)
    {
        if (length < MessageHeader.Size)
        {
            WireLog.ProtocolError(_logger, Id, RemoteEndPoint, $"message length {length} is smaller than a header");
            return false;
        }
        if (length > _maxMessageSize)
        {
            WireLog.Oversized(_logger, Id, RemoteEndPoint, length, _maxMessageSize);
            return false;
        }
        return true;
    }

    private static int ReadLength(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> first = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(first);
        return BinaryPrimitives.ReadInt32LittleEndian(first);
    }

    private async Task CloseAsync()
    {
        try
        {
            _handler.OnConnectionClosed(this);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Releases the socket and buffers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Abort();
        if (_reader is not null) await _reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            if (_writer is not null) await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Completing flushes what is buffered; after Abort() (shutdown, a client that vanished) the stream may be
            // gone already. Nothing can be delivered then, and it must not escape: at shutdown it crashed the process.
        }
        if (_stream is not null) await _stream.DisposeAsync().ConfigureAwait(false);
        DisposeSocket();
        _stopping.Dispose();
        _aborted.Dispose();
        _writeLock.Dispose();
        WireLog.Closed(_logger, Id);
    }

    private int _disposed;
}
