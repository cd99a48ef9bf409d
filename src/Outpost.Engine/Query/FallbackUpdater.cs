using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>
/// Applies replacement documents and the common update operators ($set, $unset, $inc, $setOnInsert, $push) while
/// Outpost.Query's UpdatePlan is a stub. Paths are dotted; missing intermediate documents are created.
/// </summary>
internal static class FallbackUpdater
{
    public static void Apply(BsonDocument target, BsonDocument update, bool isInsert)
    {
        foreach (var op in update)
        {
            var args = op.Value as BsonDocument ?? throw new MongoException(ErrorCodes.FailedToParse, $"Modifiers operate on fields but we found type {op.Value.Type} instead.");
            foreach (var e in args)
            {
                switch (op.Name)
                {
                    case "$set": SetPath(target, e.Name, e.Value.DeepCloneValue()); break;
                    case "$setOnInsert": if (isInsert) SetPath(target, e.Name, e.Value.DeepCloneValue()); break;
                    case "$unset": UnsetPath(target, e.Name); break;
                    case "$inc":
                        {
                            var current = DocumentPaths.Get(target, e.Name);
                            if (current is not null && !current.IsNumeric)
                                throw new MongoException(ErrorCodes.TypeMismatch, $"Cannot apply $inc to a value of non-numeric type. {{_id: {target["_id"]}}} has the field '{e.Name}' of non-numeric type {current.Type}");
                            SetPath(target, e.Name, Add(current, e.Value));
                            break;
                        }

                    case "$push":
                        {
                            var current = DocumentPaths.Get(target, e.Name);
                            var array = current as BsonArray ?? (current is null ? new BsonArray() : throw new MongoException(ErrorCodes.BadValue, $"The field '{e.Name}' must be an array"));
                            if (e.Value is BsonDocument each && each.TryGetValue("$each", out var items)) array.AddRange(items.AsArray);
                            else array.Add(e.Value);
                            if (current is null) SetPath(target, e.Name, array);
                            break;
                        }

                    default:
                        throw new MongoException(ErrorCodes.FailedToParse, $"Unknown modifier: {op.Name}. Expected a valid update modifier or pipeline-style update specified as an array");
                }
            }
        }
    }

    private static BsonValue DeepCloneValue(this BsonValue v) => v switch
    {
        BsonDocument d => d.DeepClone(),
        BsonArray a => a.DeepClone(),
        _ => v,
    };

    private static BsonValue Add(BsonValue? current, BsonValue inc)
    {
        if (current is null) return inc;
        if (current is BsonInt32 a && inc is BsonInt32 b)
        {
            var sum = (long)a.Value + b.Value;
            return sum is >= int.MinValue and <= int.MaxValue ? (int)sum : sum;
        }

        if (current.IsDouble || inc.IsDouble) return current.ToDouble() + inc.ToDouble();
        return current.ToInt64() + inc.ToInt64();
    }

    private static void SetPath(BsonDocument target, string path, BsonValue value)
    {
        var parts = path.Split('.');
        BsonValue current = target;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (current is BsonDocument d)
            {
                if (!d.TryGetValue(parts[i], out var next))
                {
                    next = new BsonDocument();
                    d.Add(parts[i], next);
                }

                current = next;
            }
            else if (current is BsonArray a && int.TryParse(parts[i], out var idx) && idx >= 0 && idx < a.Count)
            {
                current = a[idx];
            }
            else
            {
                throw new MongoException(ErrorCodes.PathNotViable, $"Cannot create field '{parts[i]}' in element {{{parts[Math.Max(0, i - 1)]}: {current}}}");
            }
        }

        switch (current)
        {
            case BsonDocument doc: doc.Set(parts[^1], value); break;
            case BsonArray arr when int.TryParse(parts[^1], out var idx) && idx >= 0:
                while (arr.Count <= idx) arr.Add(BsonNull.Value);
                arr[idx] = value;
                break;
            default:
                throw new MongoException(ErrorCodes.PathNotViable, $"Cannot create field '{parts[^1]}' in element {current}");
        }
    }

    private static void UnsetPath(BsonDocument target, string path)
    {
        var parts = path.Split('.');
        BsonValue? current = target;
        for (var i = 0; i < parts.Length - 1 && current is not null; i++)
            current = current is BsonDocument d && d.TryGetValue(parts[i], out var n) ? n : null;
        if (current is BsonDocument last) last.Remove(parts[^1]);
    }
}
