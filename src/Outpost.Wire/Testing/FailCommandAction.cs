using Outpost.Bson;

namespace Outpost.Wire.Testing;

/// <summary>What an activated <c>failCommand</c> failpoint does to one command.</summary>
public sealed class FailCommandAction
{
    /// <summary>Milliseconds to stall before anything else (blockConnection + blockTimeMS); 0 for none.</summary>
    public int BlockTimeMS { get; init; }

    /// <summary>Close the connection without replying.</summary>
    public bool CloseConnection { get; init; }

    /// <summary>Fail the command with this code (before running it).</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Labels to put on the error exactly as given; null lets the server assign them as usual.</summary>
    public IReadOnlyList<string>? ErrorLabels { get; init; }

    /// <summary>Run the command, then add this writeConcernError to its reply.</summary>
    public BsonDocument? WriteConcernError { get; init; }

    /// <summary>Extra fields for the error reply (errorExtraInfo).</summary>
    public BsonDocument? ErrorExtraInfo { get; init; }
}
