using Outpost.Bson;

namespace Shopfloor.Validation;

/// <summary>Dotted-path lookup in a <see cref="BsonDocument"/> (no array traversal: rule paths name documents only).</summary>
public static class BsonPath
{
    /// <summary>Finds the value at <paramref name="path"/>, e.g. <c>metadata.location</c>.</summary>
    public static bool TryGet(BsonDocument document, string path, out BsonValue value)
    {
        BsonValue current = document;
        foreach (var part in path.Split('.'))
        {
            if (current is not BsonDocument doc || !doc.TryGetValue(part, out var next))
            {
                value = BsonNull.Value;
                return false;
            }
            current = next;
        }
        value = current;
        return true;
    }
}
