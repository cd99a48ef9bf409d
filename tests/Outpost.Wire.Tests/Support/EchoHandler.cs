using Outpost.Wire.Protocol;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Tests.Support;

/// <summary>Replies with the request body, or with each document of the first sequence streamed with moreToCome when exhaust is allowed.</summary>
public sealed class EchoHandler : IWireRequestHandler
{
    public int Handled;
    public int Closed;
    public readonly List<WireRequestSnapshot> Seen = [];

    public async ValueTask HandleAsync(WireConnection connection, WireRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Handled);
        lock (Seen)
        {
            Seen.Add(new WireRequestSnapshot(request.OpCode, request.Flags, request.Body.ToArray(),
                request.Sequences.Select(s => (s.Identifier, s.Split().Select(d => d.ToArray()).ToArray())).ToArray(), request.FullCollectionName));
        }
        if (request.ExhaustAllowed && request.Sequences.Count > 0)
        {
            var docs = request.Sequences[0].Split();
            for (int i = 0; i < docs.Count; i++)
            {
                await connection.SendAsync(request, docs[i], moreToCome: i < docs.Count - 1, cancellationToken);
            }
            return;
        }
        await connection.SendAsync(request, request.Body, cancellationToken: cancellationToken);
    }

    public void OnConnectionClosed(WireConnection connection) => Interlocked.Increment(ref Closed);
}

public sealed record WireRequestSnapshot(OpCode OpCode, OpMsgFlags Flags, byte[] Body, (string Id, byte[][] Docs)[] Sequences, string? Collection);
