using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>
/// Inclusion/exclusion projections of (dotted) field paths with MongoDB's _id default, used while Outpost.Query's
/// ProjectionPlan is a stub. Operators ($slice, $elemMatch, $meta) and expressions are not handled here.
/// </summary>
internal sealed class DocumentProjector
{
    private readonly List<string[]> _paths = [];
    private readonly bool _inclusion;
    private readonly bool _includeId = true;

    public DocumentProjector(BsonDocument projection)
    {
        bool? inclusion = null;
        foreach (var e in projection)
        {
            var include = e.Value switch
            {
                BsonBoolean b => b.Value,
                _ when e.Value.IsNumeric => e.Value.ToDouble() != 0,
                _ => throw new MongoException(ErrorCodes.CommandNotSupported, $"projection operator for '{e.Name}' is not supported yet"),
            };
            if (e.Name == "_id")
            {
                _includeId = include;
                continue;
            }

            if (inclusion is not null && inclusion != include)
                throw new MongoException(31254, "Location31254", include ? $"Cannot do inclusion on field {e.Name} in exclusion projection" : $"Cannot do exclusion on field {e.Name} in inclusion projection");
            inclusion = include;
            _paths.Add(e.Name.Split('.'));
        }

        // {_id: 1} alone is an inclusion of _id only; {_id: 0} alone excludes it.
        _inclusion = inclusion ?? _includeId;
    }

    public BsonDocument Apply(BsonDocument document)
    {
        BsonDocument result;
        if (_inclusion)
        {
            result = new BsonDocument();
            if (_includeId && document.TryGetValue("_id", out var id)) result.Add("_id", id);
            foreach (var e in document)
            {
                if (e.Name == "_id") continue;
                var projected = Include(e.Value, e.Name, 0);
                if (projected is not null) result.Add(e.Name, projected);
            }
        }
        else
        {
            result = document.DeepClone();
            if (!_includeId) result.Remove("_id");
            foreach (var path in _paths) Exclude(result, path, 0);
        }

        return result;
    }

    private BsonValue? Include(BsonValue value, string name, int depth)
    {
        var prefix = new List<string[]>();
        foreach (var path in _paths)
        {
            if (path.Length > depth && path[depth] == name)
            {
                if (path.Length == depth + 1) return value;
                prefix.Add(path);
            }
        }

        if (prefix.Count == 0) return null;
        return Descend(value, depth + 1);
    }

    private BsonValue? Descend(BsonValue value, int depth)
    {
        switch (value)
        {
            case BsonDocument doc:
                var sub = new BsonDocument();
                foreach (var e in doc)
                {
                    var v = Include(e.Value, e.Name, depth);
                    if (v is not null) sub.Add(e.Name, v);
                }

                return sub;
            case BsonArray arr:
                var list = new BsonArray();
                foreach (var item in arr)
                    if (item is BsonDocument or BsonArray) list.Add(Descend(item, depth)!);
                return list;
            default:
                return null;
        }
    }

    private static void Exclude(BsonValue value, string[] path, int depth)
    {
        if (value is BsonDocument doc)
        {
            if (depth == path.Length - 1) doc.Remove(path[depth]);
            else if (doc.TryGetValue(path[depth], out var child)) Exclude(child, path, depth + 1);
        }
        else if (value is BsonArray arr)
        {
            foreach (var item in arr) Exclude(item, path, depth);
        }
    }
}
