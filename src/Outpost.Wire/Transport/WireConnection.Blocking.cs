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
/// CPU per find-by-_id. In threads mode the socket is never used asynchronously, so it stays in blocking mode.
/// The adaptive mode (docs/decisions/024-wire-adaptive-transport.md) runs the same loop, but lets an idle or waiting
/// connection continue on asynchronous socket calls (no thread held) and moves a busy one back onto a thread.
/// </summary>
public sealed partial class WireConnection
{
    // Receive and send buffers start at this size and go back to it after a larger message, so an idle connection
    // holds 2 × 16 KiB however large its last message was.
    private const int SmallBuffer = 16 * 1024;

    private readonly Socket? _socket;
    private PooledBufferWriter? _sendBuffer;

    // Adaptive mode: on the asynchronous path, this many requests within one second bring the connection back to a thread.
    private const int BusyRequestsPerSecond = 16;

    // Adaptive mode: the idle time after which a connection on a thread gives the thread back (infinite in Threads mode).
    private TimeSpan _threadIdleTimeout = Timeout.InfiniteTimeSpan;
    private bool _adaptive;
    private ConnectionThreads? _threads;

    // True while the connection's own thread runs it (blocking calls); false once it continues on the thread pool.
    private volatile bool _onThread;

    /// <summary>
    /// Adaptive mode: the connection leaves its thread when idle for <paramref name="idleTimeout"/> or when a command goes
    /// asynchronous, and takes one from <paramref name="threads"/> again when requests come quickly.
    /// </summary>
    internal void UseAdaptiveThread(TimeSpan idleTimeout, ConnectionThreads threads)
    {
        _adaptive = true;
        _threadIdleTimeout = idleTimeout;
        _threads = threads;
    }

    private void SetIdleTimeout(Socket socket)
    {
        if (_threadIdleTimeout != Timeout.InfiniteTimeSpan)
        {
            socket.ReceiveTimeout = (int)Math.Clamp(_threadIdleTimeout.TotalMilliseconds, 1, int.MaxValue);
        }
    }

    /// <summary>
    /// Serves the connection: on the calling (dedicated) thread with blocking calls when <paramref name="onThread"/>,
    /// until the client leaves, the server stops, or — adaptive mode — the connection moves to asynchronous receives on
    /// the thread pool; the returned task ends with the connection. The caller's thread is free once this returns.
    /// </summary>
    internal async Task RunSocketAsync(bool onThread)
    {
        var socket = _socket!;
        _onThread = onThread;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(SmallBuffer);
        int start = 0, end = 0;
        // A graceful stop ends the wait for the next request; a request being handled still finishes and gets its reply
        // (shutting down only the receiving side leaves sending open).
        using var stopping = _stopping.Token.UnsafeRegister(static state => ((WireConnection)state!).ShutdownSocket(SocketShutdown.Receive), this);
        try
        {
            if (onThread && _adaptive) SetIdleTimeout(socket);
            // Adaptive mode, on the asynchronous path: requests handled in the current one-second window, and how many
            // of them waited (went asynchronous).
            long burstStart = 0;
            int burstCount = 0, burstWaits = 0;
            while (!_stopping.IsCancellationRequested && !_aborted.IsCancellationRequested)
            {
                int available = end - start;
                int needed = 4; // bytes from start that the next step needs: the length, then the whole frame
                if (available >= 4)
                {
                    int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(start, 4));
                    if (!IsAcceptableFrameLength(length)) return;
                    if (available >= length)
                    {
                        // The frame is handled in place: nothing is received into the buffer until its handler is done.
                        var frame = buffer.AsMemory(start, length);
                        start += length;
                        var processing = ProcessFrameAsync(frame);
                        bool keepGoing;
                        bool waited = !processing.IsCompleted;
                        if (!waited)
                        {
                            keepGoing = processing.GetAwaiter().GetResult();
                        }
                        else if (_onThread && !_adaptive)
                        {
                            // Threads mode: wait here; only this connection's own thread is held.
                            keepGoing = processing.GetAwaiter().GetResult();
                        }
                        else
                        {
                            // Adaptive mode: a command that waits (awaitable hello, awaitData, PostgreSQL I/O) gives the
                            // thread back rather than holding it for the wait; the connection continues asynchronously.
                            _onThread = false;
                            keepGoing = await processing.ConfigureAwait(false);
                        }
                        if (!keepGoing) return;
                        if (!_onThread && _adaptive)
                        {
                            // Requests coming quickly again on the asynchronous path: back to a thread of its own while
                            // the budget allows (a pool hop per request costs far more CPU than a blocking receive) —
                            // unless its commands mostly wait anyway (PostgreSQL I/O, awaitData), where a thread would
                            // only be started and left again.
                            long now = Environment.TickCount64;
                            if (now - burstStart > 1000)
                            {
                                burstStart = now;
                                burstCount = burstWaits = 0;
                            }
                            burstCount++;
                            if (waited) burstWaits++;
                            if (burstCount >= BusyRequestsPerSecond && burstWaits * 4 < burstCount && _threads!.TryAcquire())
                            {
                                burstCount = burstWaits = 0;
                                if (await new NewThreadAwaitable(ThreadName, _threads.Release))
                                {
                                    _onThread = true;
                                    SetIdleTimeout(socket);
                                }
                            }
                        }
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
                int received;
                if (_onThread)
                {
                    SocketError error;
                    received = socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None, out error);
                    if (error is SocketError.TimedOut or SocketError.WouldBlock && _adaptive)
                    {
                        // Idle past ThreadIdleTimeout: give the thread back and wait for the next bytes asynchronously.
                        _onThread = false;
                        burstStart = Environment.TickCount64;
                        burstCount = burstWaits = 0;
                        continue;
                    }
                    if (error != SocketError.Success) return; // reset, shut down: the client or the server ended it
                }
                else
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                }
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
            // Closing completes synchronously here (no pipes to complete, the socket is closed in place), on whichever
            // thread serves the connection at the end.
            await CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The name of the connection's thread.</summary>
    internal string ThreadName => "outpost wire " + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the connection's own thread still serves it (adaptive mode moves idle connections off their thread).</summary>
    internal bool OnThread => _onThread;

    private static byte[] Resize(byte[] buffer, int start, int count, int size)
    {
        byte[] next = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(start, count).CopyTo(next);
        ArrayPool<byte>.Shared.Return(buffer);
        return next;
    }

    /// <summary>
    /// Sends what <see cref="SendAsync"/> wrote into the send buffer without blocking a thread-pool thread: used once
    /// the connection has left its own thread, so a client that stops reading cannot hold a pool thread.
    /// </summary>
    private async ValueTask SendBufferedAsync(CancellationToken cancellationToken)
    {
        var send = _sendBuffer!;
        try
        {
            var bytes = send.WrittenMemory;
            while (!bytes.IsEmpty)
            {
                int sent = await _socket!.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
        }
        catch (SocketException e)
        {
            throw new IOException("connection closed by the client", e);
        }
        finally
        {
            RecycleSendBuffer();
        }
    }

    private void RecycleSendBuffer()
    {
        var send = _sendBuffer!;
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
            RecycleSendBuffer();
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
