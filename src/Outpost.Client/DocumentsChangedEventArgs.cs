using Outpost.Bson;

namespace Outpost.Client;

/// <summary>Documents of a collection changed locally (an app write) or remotely (a server version arrived).</summary>
public sealed class DocumentsChangedEventArgs(string collection, IReadOnlyList<BsonValue> ids, bool remote) : EventArgs
{
    /// <summary>The collection.</summary>
    public string Collection { get; } = collection;

    /// <summary>The changed documents' ids.</summary>
    public IReadOnlyList<BsonValue> Ids { get; } = ids;

    /// <summary>True when the change came from the server.</summary>
    public bool Remote { get; } = remote;
}
