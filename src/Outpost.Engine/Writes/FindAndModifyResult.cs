using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>findAndModify's reply: <c>{lastErrorObject: {n, updatedExisting, upserted}, value}</c>.</summary>
public sealed class FindAndModifyResult
{
    /// <summary>The document before or after the modification (projected), or null.</summary>
    public BsonDocument? Value { get; init; }

    /// <summary>Documents modified or removed (0 or 1).</summary>
    public int N { get; init; }

    /// <summary>Whether an existing document was updated.</summary>
    public bool UpdatedExisting { get; init; }

    /// <summary>The _id of the upserted document, if one was inserted.</summary>
    public BsonValue? Upserted { get; init; }

    /// <summary>The lastErrorObject sub-document as MongoDB shapes it.</summary>
    public BsonDocument LastErrorObject()
    {
        var doc = new BsonDocument { { "n", N } };
        if (Value is not null || UpdatedExisting || Upserted is not null) doc.Add("updatedExisting", UpdatedExisting);
        if (Upserted is not null) doc.Add("upserted", Upserted);
        return doc;
    }
}
