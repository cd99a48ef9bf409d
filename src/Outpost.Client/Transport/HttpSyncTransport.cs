using System.Net.Http.Headers;
using System.Net.WebSockets;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Client.Transport;

/// <summary><c>outpost-sync/1</c> over HTTP POSTs and a WebSocket for live changes.</summary>
public sealed class HttpSyncTransport : ISyncTransport, IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly bool _ownsClient;

    /// <summary>Creates a transport for the server at <paramref name="serverUri"/> (e.g. http://host:8080/).</summary>
    public HttpSyncTransport(Uri serverUri, HttpClient? client = null)
    {
        _base = serverUri;
        _ownsClient = client is null;
        _http = client ?? new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
    }

    /// <inheritdoc />
    public async Task<BsonDocument> SendAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, $"{SyncProtocol.BasePath}/{endpoint}"));
        request.Content = new ByteArrayContent(BsonSerializer.Serialize(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(SyncProtocol.ContentType);
        if (bearerToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (bytes.Length == 0) throw new SyncTransportException($"empty reply (HTTP {(int)response.StatusCode})");
            return BsonSerializer.Deserialize(bytes);
        }
        catch (HttpRequestException e)
        {
            throw new SyncTransportException(e.Message, e);
        }
        catch (IOException e)
        {
            throw new SyncTransportException(e.Message, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SyncTransportException("request timed out", e);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            throw new SyncTransportException("malformed reply: " + e.Message, e);
        }
    }

    /// <inheritdoc />
    public async Task<ISyncLiveChannel> ConnectLiveAsync(BsonDocument hello, string? bearerToken, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (bearerToken is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearerToken);
        var builder = new UriBuilder(new Uri(_base, $"{SyncProtocol.BasePath}/{SyncProtocol.Live}"));
        builder.Scheme = builder.Scheme == "https" ? "wss" : "ws";
        try
        {
            await socket.ConnectAsync(builder.Uri, cancellationToken).ConfigureAwait(false);
            var messages = new WebSocketMessages(socket);
            await messages.SendAsync(hello, cancellationToken).ConfigureAwait(false);
            return new Channel(socket, messages);
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            throw new SyncTransportException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient) _http.Dispose();
    }

    private sealed class Channel(ClientWebSocket socket, WebSocketMessages messages) : ISyncLiveChannel
    {
        public async Task<BsonDocument?> ReceiveAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await messages.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException e)
            {
                throw new SyncTransportException(e.Message, e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // closing is best effort
            }
            socket.Dispose();
        }
    }
}
