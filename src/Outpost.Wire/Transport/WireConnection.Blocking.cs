using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Outpost.Wire.Buffers;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Transport;

/// <summary>
/// The thread-per-connection mode (plain TCP; see docs/decisions/019-wire-thread-per-connection.md): the connection's
/// own thread blocks in recv(2), handles the request (the command path completes synchronously on SQLite) and sends the
/// reply with send(2). A request then costs one wake-up of one thread, where the pipe mode costs an epoll wake-up, a
/// hand-off to a thread-pool worker, a second recv that finds nothing, and the pool's spinning — most of the server's
/// CPU per find-by-_id. The socket is never used asynchronously, so it stays in blocking mode.
/// </summary>
public sealed partial class WireConnection
{
    // Receive and send buffers start at this size and go back to it after a larger message, so an idle connection
    // holds 2 × 16 KiB however large its last message was.
    private const int SmallBuffer = 16 * 1024;

    private readonly Socket? _socket;
    private PooledBufferWriter? _sendBuffer;

    /// <summary>Serves the connection on the calling (dedicated) thread until the client leaves or the server stops.</summary>
    internal void RunBlocking()
    {
        var socket = _socket!;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(SmallBuffer);
        int start = 0, end = 0;
        // A graceful stop ends the wait for the next request; a request being handled still finishes and gets its reply
        // (shutting down only the receiving side leaves sending open).
        using var stopping = _stopping.Token.UnsafeRegister(static state => ((WireConnection)state!).ShutdownSocket(SocketShutdown.Receive), this);
        try
        {
            while (!_stopping.IsCancellationRequested && !_aborted.IsCancellationRequested)
            {
                int available = end - start;
                int needed = 4; // bytes from start that the next step needs: the length, then the whole frame
                if (available >= 4)
                {
                    int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(start, 4));
                    if (length < MessageHeader.Size)
                    {
                        WireLog.ProtocolError(_logger, Id, RemoteEndPoint, $"message length {length} is smaller than a header");
                        return;
                    }
                    if (length > _maxMessageSize)
                    {
                        WireLog.Oversized(_logger, Id, RemoteEndPoint, length, _maxMessageSize);
                        return;
                    }
                    if (available >= length)
                    {
                        // The frame is handled in place: nothing is received into the buffer until its handler is done.
                        var frame = buffer.AsMemory(start, length);
                        start += length;
                        if (!ProcessFrame(frame)) return;
                        if (start == end)
                        {
                            start = end = 0;
                            if (buffer.Length > SmallBuffer) buffer = Resize(buffer, 0, 0, SmallBuffer);
                        }
                        continue;
                    }
                    needed = length;
                }
                if (start + needed > buffer.Length)
                {
                    // Make room at the end: move the partial frame to the front, then, once the buffer is full, double
                    // it. The buffer grows with the bytes that actually arrived, not with the length a frame claims.
                    if (start > 0)
                    {
                        buffer.AsSpan(start, available).CopyTo(buffer);
                        start = 0;
                        end = available;
                    }
                    if (end == buffer.Length) buffer = Resize(buffer, 0, available, Math.Min(needed, buffer.Length * 2));
                }
                int received = socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
                if (received == 0)
                {
                    if (end > start && !_stopping.IsCancellationRequested)
                    {
                        WireLog.ProtocolError(_logger, Id, RemoteEndPoint, $"connection ended inside a frame ({end - start} bytes pending)");
                    }
                    return;
                }
                end += received;
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the server aborted the connection: nothing to report.
        }
        catch (Exception e)
        {
            WireLog.ConnectionFailed(_logger, Id, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            // Closing completes synchronously here (no pipes to complete, the socket is closed in place).
            CloseAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>Handles one frame, waiting on this thread when the handler goes asynchronous (it rarely does).</summary>
    private bool ProcessFrame(ReadOnlyMemory<byte> frame)
    {
        var task = ProcessFrameAsync(frame);
        return task.IsCompletedSuccessfully ? task.Result : task.GetAwaiter().GetResult();
    }

    private static byte[] Resize(byte[] buffer, int start, int count, int size)
    {
        byte[] next = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(start, count).CopyTo(next);
        ArrayPool<byte>.Shared.Return(buffer);
        return next;
    }

    /// <summary>Sends what <see cref="SendAsync"/> wrote into the send buffer, blocking until the kernel took it all.</summary>
    private void SendBuffered()
    {
        var send = _sendBuffer!;
        try
        {
            var bytes = send.WrittenSpan;
            while (!bytes.IsEmpty)
            {
                int sent = _socket!.Send(bytes, SocketFlags.None);
                bytes = bytes[sent..];
            }
        }
        catch (SocketException e)
        {
            throw new IOException("connection closed by the client", e);
        }
        finally
        {
            if (send.WrittenCount > SmallBuffer)
            {
                send.Dispose();
                _sendBuffer = new PooledBufferWriter(SmallBuffer);
            }
            else
            {
                send.Clear();
            }
        }
    }

    private void ShutdownSocket(SocketShutdown how)
    {
        try
        {
            _socket?.Shutdown(how);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    private void DisposeSocket()
    {
        if (_socket is null) return;
        _socket.Dispose();
        _sendBuffer?.Dispose();
    }
}
