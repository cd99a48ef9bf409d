using System.Buffers;
using System.Net.WebSockets;
using Outpost.Bson;
using Outpost.Bson.Serialization;

namespace Outpost.Sync.Transport;

/// <summary>Whole BSON documents over a WebSocket (one binary message each); shared by the server endpoint and the client SDK.</summary>
public sealed class WebSocketMessages(WebSocket socket)
{
    private readonly SemaphoreSlim _sendGate = new(1, 1);

    /// <summary>The next document, or null when the peer closed.</summary>
    public async Task<BsonDocument?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var result = await socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                return null;
            }
            buffer.Advance(result.Count);
            if (result.EndOfMessage) return BsonSerializer.Deserialize(buffer.WrittenSpan);
        }
    }

    /// <summary>Sends one document as one binary message (sends are serialized: WebSocket allows one at a time).</summary>
    public async Task SendAsync(BsonDocument document, CancellationToken cancellationToken)
    {
        var bytes = BsonSerializer.Serialize(document);
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }
}
