using Outpost.Bson;
using Outpost.Engine;

namespace Outpost.Wire.Cursors;

/// <summary>An open server cursor between find/aggregate/listX and getMore.</summary>
public sealed class CursorEntry
{
    /// <summary>The cursor id given to the client (never 0).</summary>
    public required long Id { get; init; }

    /// <summary>"db.collection" reported in replies.</summary>
    public required string Namespace { get; init; }

    /// <summary>The engine cursor.</summary>
    public required Cursor Cursor { get; init; }

    /// <summary>The lsid it was opened under (killSessions/endSessions close it).</summary>
    public BsonDocument? SessionId { get; init; }

    /// <summary>Tailable + awaitData: getMore waits for new data up to maxTimeMS.</summary>
    public bool AwaitData { get; init; }

    /// <summary>Tailable (or change stream): an empty batch does not end the cursor.</summary>
    public bool Tailable { get; init; }

    /// <summary>Exempt from the idle timeout (noCursorTimeout).</summary>
    public bool NoTimeout { get; init; }

    /// <summary>
    /// The users who opened it (<see cref="Sessions.ConnectionState.UsersKey"/>), null without authentication: getMore
    /// and killCursors by other users are refused, as in MongoDB, so a cursor opened by an unrestricted user cannot be
    /// read by a document-restricted one.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>Serializes getMore calls on one cursor.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Last time a batch was served (for the idle timeout), as a TimeProvider timestamp.</summary>
    public long LastUsed { get; set; }

    /// <summary>Database of the cursor (for authorization of getMore).</summary>
    public string Database => Namespace[..Math.Max(0, Namespace.IndexOf('.', StringComparison.Ordinal))];
}
