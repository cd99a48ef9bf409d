using Outpost.Bson;

namespace Outpost.Query.Updates;

/// <summary>The outcome of applying an update to one document.</summary>
public sealed class UpdateResult
{
    internal UpdateResult(BsonDocument document, bool changed, UpdateDescription description)
    {
        Document = document;
        Changed = changed;
        Description = description;
    }

    /// <summary>The updated document (the same instance that was passed in, mutated in place).</summary>
    public BsonDocument Document { get; }

    /// <summary>Whether anything changed (MongoDB's nModified counts only these).</summary>
    public bool Changed { get; }

    public UpdateDescription Description { get; }
}
