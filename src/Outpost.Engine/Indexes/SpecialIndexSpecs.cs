using Outpost.Bson;
using Outpost.Engine.Indexes.Text;

namespace Outpost.Engine.Indexes;

/// <summary>Completes and validates the listIndexes spec of text, 2dsphere and TTL indexes (67 CannotCreateIndex as MongoDB).</summary>
internal static class SpecialIndexSpecs
{
    public static void Complete(BsonDocument spec)
    {
        var key = spec["key"].AsDocument;
        if (TextIndexSpec.IsText(key))
        {
            TextIndexSpec.Complete(spec);
        }
        else
        {
            foreach (var e in key)
            {
                if (e.Value is not BsonString { Value: "2dsphere" }) continue;
                if (!spec.Contains("2dsphereIndexVersion")) spec.Add("2dsphereIndexVersion", 3);
            }
        }

        if (spec.TryGetValue("expireAfterSeconds", out var ttl))
        {
            if (key.ElementCount != 1)
                throw new MongoException(ErrorCodes.CannotCreateIndex, "TTL indexes are single-field indexes, compound indexes do not support TTL");
            var seconds = ttl.ToInt64();
            if (seconds < 0 || seconds > int.MaxValue)
                throw new MongoException(ErrorCodes.CannotCreateIndex, $"TTL index 'expireAfterSeconds' option must be within an acceptable range, try a lower number. Value: {seconds}");
            if (key.GetElement(0).Name == "_id")
                throw new MongoException(ErrorCodes.CannotCreateIndex, "The field 'expireAfterSeconds' is not valid for an _id index specification.");
        }
    }
}
