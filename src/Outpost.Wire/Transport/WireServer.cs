using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Wire.Metrics;

namespace Outpost.Wire.Transport;

/// <summary>The TCP listener of the MongoDB wire protocol: accepts connections (optionally TLS) up to a limit and runs each one.</summary>
public sealed class WireServer : IAsyncDisposable
{
    private readonly WireServerOptions _options;
    private readonly IWireRequestHandler _handler;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, (WireConnection Connection, Task Run)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborted = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private long _nextConnectionId;
    private long _totalAccepted;
    private readonly ConnectionThreads _threads;

    /// <summary>Creates the server; call <see cref="Start"/> to listen.</summary>
    public WireServer(WireServerOptions options, IWireRequestHandler handler, ILogger<WireServer>? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _threads = new ConnectionThreads(options.MaxConnectionThreads);
    }

    /// <summary>The bound address (with the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Connections accepted since start.</summary>
    public long TotalAccepted => Interlocked.Read(ref _totalAccepted);

    /// <summary>The most connections served at once (<see cref="WireServerOptions.MaxConnections"/>).</summary>
    public int MaxConnections => _options.MaxConnections;

    /// <summary>Bytes and requests through every connection since start.</summary>
    public WireTraffic Traffic { get; } = new();

    /// <summary>Binds the socket and starts accepting; returns once connections are accepted.</summary>
    public void Start()
    {
        if (_listener is not null) throw new InvalidOperationException("already started");
        var listener = new Socket(_options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (_options.EndPoint.Address.Equals(IPAddress.IPv6Any)) listener.DualMode = true;
        listener.Bind(_options.EndPoint);
        listener.Listen(512);
        _listener = listener;
        WireLog.Listening(_logger, listener.LocalEndPoint!);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested) return;
                continue;
            }
            if (_connections.Count >= _options.MaxConnections)
            {
                WireLog.TooManyConnections(_logger, socket.RemoteEndPoint, _options.MaxConnections);
                socket.Dispose();
                continue;
            }
            Interlocked.Increment(ref _totalAccepted);
            if (_options.Transport != WireTransportMode.Pipes && _options.Certificate is null)
            {
                StartSocketConnection(socket);
            }
            else
            {
                _ = Task.Run(() => RunConnectionAsync(socket));
            }
        }
    }

    /// <summary>
    /// Runs a plain-TCP connection on a thread of its own (<see cref="WireTransportMode.Threads"/>, and
    /// <see cref="WireTransportMode.Adaptive"/> while it is busy and threads are left), or on asynchronous socket calls.
    /// </summary>
    private void StartSocketConnection(Socket socket)
    {
        long id = Interlocked.Increment(ref _nextConnectionId);
        WireConnection connection;
        try
        {
            socket.NoDelay = true;
            connection = new WireConnection(id, null, socket, socket.RemoteEndPoint, socket.LocalEndPoint, _handler, _logger, _options.MaxMessageSize, Traffic, _stopping.Token, _aborted.Token);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            socket.Dispose(); // the client left before it was served
            return;
        }
        WireLog.Accepted(_logger, id, connection.RemoteEndPoint);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections[id] = (connection, done.Task);
        bool adaptive = _options.Transport == WireTransportMode.Adaptive;
        if (adaptive)
        {
            connection.UseAdaptiveThread(_options.ThreadIdleTimeout, _threads);
            if (!_threads.TryAcquire())
            {
                // Every thread is taken: this connection starts where an idle one would end up, on asynchronous calls.
                _ = Task.Run(() => TrackAsync(id, connection.RunSocketAsync(onThread: false), done));
                return;
            }
        }
        var thread = new Thread(() =>
        {
            Task run;
            try
            {
                // Returns when the connection ends or, in adaptive mode, leaves this thread for the thread pool.
                run = connection.RunSocketAsync(onThread: true);
            }
            finally
            {
                if (adaptive) _threads.Release();
            }
            _ = TrackAsync(id, run, done);
        })
        {
            IsBackground = true,
            Name = connection.ThreadName,
        };
        thread.Start();
    }

    private async Task TrackAsync(long id, Task run, TaskCompletionSource done)
    {
        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            done.TrySetResult();
        }
    }

    /// <summary>Connections served by a thread of their own now (adaptive and threads modes; diagnostics and tests).</summary>
    public int ConnectionThreadCount
    {
        get
        {
            int n = 0;
            foreach (var entry in _connections.Values) if (entry.Connection.OnThread) n++;
            return n;
        }
    }

    private async Task RunConnectionAsync(Socket socket)
    {
        long id = Interlocked.Increment(ref _nextConnectionId);
        var remote = socket.RemoteEndPoint;
        var local = socket.LocalEndPoint;
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (_options.Certificate is not null)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _options.Certificate,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateRequired = false,
                }, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
            {
                WireLog.TlsFailed(_logger, remote, e.Message);
                await ssl.DisposeAsync().ConfigureAwait(false);
                return;
            }
            stream = ssl;
        }
        var connection = new WireConnection(id, stream, null, remote, local, _handler, _logger, _options.MaxMessageSize, Traffic, _stopping.Token, _aborted.Token);
        WireLog.Accepted(_logger, id, remote);
        // Registered before it runs: RunAsync can serve several requests synchronously before its first real await,
        // and serverStatus must already count this connection then.
        _connections[id] = (connection, Task.CompletedTask);
        var run = connection.RunAsync();
        _connections[id] = (connection, run);
        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Stops accepting, lets every connection finish the request it is handling, then closes them;
    /// connections still busy after <see cref="WireServerOptions.ShutdownTimeout"/> are aborted.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        var runs = _connections.Values.Select(c => c.Run).ToArray();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ShutdownTimeout);
        try
        {
            await Task.WhenAll(runs).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _aborted.CancelAsync().ConfigureAwait(false);
            foreach (var c in _connections.Values) c.Connection.Abort();
            try
            {
                await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A handler ignoring cancellation must not hold the process: its socket is already closed.
            }
        }
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _aborted.Dispose();
    }
}
