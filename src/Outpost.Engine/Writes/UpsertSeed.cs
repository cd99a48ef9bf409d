using Outpost.Bson;

namespace Outpost.Engine.Writes;

/// <summary>The document an upsert starts from: the filter's equality conditions (direct values and $eq, through $and).</summary>
internal static class UpsertSeed
{
    public static BsonDocument FromFilter(BsonDocument filter)
    {
        var seed = new BsonDocument();
        AddFrom(filter, seed);
        return seed;
    }

    private static void AddFrom(BsonDocument filter, BsonDocument seed)
    {
        foreach (var e in filter)
        {
            if (e.Name == "$and" && e.Value is BsonArray and)
            {
                foreach (var item in and)
                    if (item is BsonDocument sub) AddFrom(sub, seed);
                continue;
            }

            if (e.Name.StartsWith('$')) continue;
            BsonValue? value = e.Value;
            if (e.Value is BsonDocument ops && ops.ElementCount > 0 && ops.GetElement(0).Name.StartsWith('$'))
                value = ops.TryGetValue("$eq", out var eq) ? eq : null;
            if (value is null) continue;
            Set(seed, e.Name.Split('.'), value);
        }
    }

    private static void Set(BsonDocument target, string[] parts, BsonValue value)
    {
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (!target.TryGetValue(parts[i], out var next) || next is not BsonDocument nextDoc)
            {
                nextDoc = new BsonDocument();
                target.Set(parts[i], nextDoc);
            }

            target = nextDoc;
        }

        target.Set(parts[^1], value);
    }
}
