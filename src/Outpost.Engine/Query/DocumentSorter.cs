using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>
/// Compares documents by a sort specification with MongoDB's array rule (ascending uses the smallest element,
/// descending the largest; missing sorts as null).
/// </summary>
internal sealed class DocumentSorter : IComparer<BsonDocument>
{
    private readonly (string[] Parts, int Direction)[] _keys;

    public DocumentSorter(BsonDocument sort)
    {
        _keys = new (string[], int)[sort.ElementCount];
        var i = 0;
        foreach (var e in sort)
        {
            int direction;
            if (e.Value.IsNumeric && e.Value.ToDouble() is var d && (d == 1 || d == -1)) direction = (int)d;
            else if (e.Value is BsonDocument meta && meta.Contains("$meta")) direction = -1;
            else throw new MongoException(ErrorCodes.BadValue, $"$sort key ordering must be 1 (for ascending) or -1 (for descending)");
            _keys[i++] = (e.Name.Split('.'), direction);
        }
    }

    public int Compare(BsonDocument? x, BsonDocument? y)
    {
        foreach (var (parts, direction) in _keys)
        {
            var a = SortValue(x!, parts, direction);
            var b = SortValue(y!, parts, direction);
            var c = a.CompareTo(b);
            if (c != 0) return c * direction;
        }

        return 0;
    }

    private static BsonValue SortValue(BsonDocument doc, string[] parts, int direction)
    {
        var values = new List<BsonValue>();
        DocumentPaths.Collect(doc, parts, 0, values, expandLeafArrays: true);
        BsonValue? best = null;
        foreach (var v in values)
        {
            if (v is BsonArray arr && arr.Count > 0) continue; // the elements stand for a non-empty array
            var candidate = v is BsonArray ? BsonUndefined.Value : v;
            if (best is null || (direction > 0 ? candidate.CompareTo(best) < 0 : candidate.CompareTo(best) > 0)) best = candidate;
        }

        return best ?? BsonNull.Value;
    }
}
