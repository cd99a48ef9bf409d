using Outpost.Bson;
using Outpost.Query.Filters;
using Outpost.Query.Paths;

namespace Outpost.Query.Projections;

/// <summary>
/// A compiled find projection: inclusion or exclusion of (nested) paths, _id rules, $slice, $elemMatch, positional
/// "a.$", { $meta: "textScore" }, and aggregation expressions (MongoDB 4.4+ semantics).
/// </summary>
public sealed class ProjectionPlan
{
    private readonly List<(string[] Path, Kind Kind, object? Arg)> _fields = [];
    private readonly bool _inclusion;
    private readonly bool _editsInPlace;
    private readonly bool _includeId = true;
    private readonly QueryContext _context;

    private enum Kind { Include, Exclude, Slice, ElemMatch, Positional, Meta, Expression }

    private ProjectionPlan(BsonDocument spec, QueryContext context)
    {
        _context = context;
        bool? inclusion = null;
        foreach (var e in spec)
        {
            var v = e.Value;
            if (e.Name.EndsWith(".$", StringComparison.Ordinal))
            {
                if (spec.Names.Count(n => n.EndsWith(".$", StringComparison.Ordinal)) > 1)
                {
                    throw new MongoException(ErrorCodes.Location31276, "Cannot specify more than one positional projection per query.");
                }

                SetMode(ref inclusion, true, e.Name);
                _fields.Add((e.Name[..^2].Split('.'), Kind.Positional, null));
                continue;
            }

            if (v is BsonBoolean || v.IsNumeric)
            {
                bool on = v is BsonBoolean b ? b.Value : v.ToDouble() != 0;
                if (e.Name == "_id")
                {
                    _includeId = on;
                    continue;
                }

                SetMode(ref inclusion, on, e.Name);
                _fields.Add((e.Name.Split('.'), on ? Kind.Include : Kind.Exclude, null));
                continue;
            }

            if (v is BsonDocument d && d.ElementCount == 1 && d.GetElement(0).Name is "$slice" or "$elemMatch" or "$meta")
            {
                var op = d.GetElement(0);
                switch (op.Name)
                {
                    case "$slice":
                        _fields.Add((e.Name.Split('.'), Kind.Slice, ParseSlice(op.Value)));
                        break;
                    case "$elemMatch":
                        if (e.Name.Contains('.'))
                        {
                            throw new MongoException(ErrorCodes.Location31275, "Cannot use $elemMatch projection on a nested field.");
                        }

                        SetMode(ref inclusion, true, e.Name);
                        var filter = QueryFilter.Compile(new BsonDocument(e.Name, new BsonDocument("$elemMatch", op.Value)), context);
                        _fields.Add(([e.Name], Kind.ElemMatch, filter));
                        break;
                    default:
                        if (op.Value is not BsonString { Value: "textScore" or "searchScore" or "indexKey" or "recordId" })
                        {
                            throw new MongoException(ErrorCodes.BadValue, $"unsupported $meta operator: {op.Value}");
                        }

                        _fields.Add((e.Name.Split('.'), Kind.Meta, op.Value.AsString));
                        break;
                }

                continue;
            }

            SetMode(ref inclusion, true, e.Name);
            _fields.Add((e.Name.Split('.'), Kind.Expression, AggregationExpression.Compile(v, context)));
        }

        _inclusion = inclusion ?? false;
        if (inclusion is null && _fields.TrueForAll(f => f.Kind is Kind.Slice or Kind.Meta) && _includeId)
        {
            _inclusion = false; // only $slice/$meta: everything else stays
        }

        // Exclusions, $slice and $meta only change the copy; $elemMatch and expressions read the source after the
        // copy was changed, so those always work on a copy.
        _editsInPlace = !_inclusion && _fields.TrueForAll(f => f.Kind is Kind.Exclude or Kind.Slice or Kind.Meta);
    }

    /// <summary>Whether the projection keeps only listed fields.</summary>
    public bool IsInclusion => _inclusion;

    /// <summary>Compiles a projection; 31254/31253 for mixing inclusion and exclusion, and so on.</summary>
    public static ProjectionPlan Compile(BsonDocument projection, QueryContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return new ProjectionPlan(projection, context ?? QueryContext.Default);
    }

    /// <summary>Projects a document (not modified); <paramref name="details"/> feeds "a.$", <paramref name="textScore"/> feeds $meta.</summary>
    public BsonDocument Apply(BsonDocument document, MatchDetails? details = null, double? textScore = null) =>
        Project(document, owned: false, details, textScore);

    /// <summary>
    /// As <see cref="Apply"/>, for a document the caller owns outright (just decoded, referenced nowhere else): an
    /// exclusion projection then removes fields from it instead of deep-copying it first, so a query that leaves out
    /// a few fields does not build every returned document twice. The result may be <paramref name="owned"/> itself.
    /// </summary>
    public BsonDocument ApplyToOwned(BsonDocument owned, MatchDetails? details = null, double? textScore = null) =>
        Project(owned, owned: true, details, textScore);

    private BsonDocument Project(BsonDocument document, bool owned, MatchDetails? details, double? textScore)
    {
        ArgumentNullException.ThrowIfNull(document);
        BsonDocument result;
        if (_inclusion)
        {
            result = new BsonDocument();
            if (_includeId && document.TryGetValue("_id", out var id))
            {
                result.Add("_id", id);
            }

            foreach (var (path, kind, _) in _fields)
            {
                if (kind is Kind.Include or Kind.Positional or Kind.ElemMatch or Kind.Slice)
                {
                    CopyPath(document, result, path, 0);
                }
            }
        }
        else
        {
            result = owned && _editsInPlace ? document : document.DeepClone();
            if (!_includeId)
            {
                result.Remove("_id");
            }

            foreach (var (path, kind, _) in _fields)
            {
                if (kind == Kind.Exclude)
                {
                    RemovePath(result, path, 0);
                }
            }
        }

        foreach (var (path, kind, arg) in _fields)
        {
            switch (kind)
            {
                case Kind.Slice:
                    SliceAt(result, path, 0, ((int Skip, int? Limit))arg!);
                    break;
                case Kind.Positional:
                    if (details?.ArrayIndex is not { } idx)
                    {
                        throw new MongoException(ErrorCodes.BadValue, "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array");
                    }

                    if (new FieldPath(string.Join('.', path)).GetExact(result) is BsonArray pa)
                    {
                        var keep = idx < pa.Count ? pa[idx] : null;
                        pa.Clear();
                        if (keep is not null)
                        {
                            pa.Add(keep);
                        }
                    }

                    break;
                case Kind.ElemMatch:
                {
                    var filter = (QueryFilter)arg!;
                    result.Remove(path[0]);
                    if (document.TryGetValue(path[0], out var arr) && arr is BsonArray array)
                    {
                        foreach (var el in array)
                        {
                            if (filter.Matches(new BsonDocument(path[0], new BsonArray { el })))
                            {
                                result.Set(path[0], new BsonArray { el });
                                break;
                            }
                        }
                    }

                    break;
                }

                case Kind.Meta:
                    if ((string)arg! == "textScore" && textScore is { } score)
                    {
                        SetPath(result, path, new BsonDouble(score));
                    }

                    break;
                case Kind.Expression:
                {
                    var value = ((AggregationExpression)arg!).Evaluate(new ExpressionScope(document, _context));
                    if (value.Type != BsonType.Undefined)
                    {
                        SetPath(result, path, value);
                    }

                    break;
                }
            }
        }

        return result;
    }

    private static void SetMode(ref bool? inclusion, bool on, string name)
    {
        if (inclusion is { } mode && mode != on)
        {
            throw on
                ? new MongoException(ErrorCodes.Location31253, $"Cannot do inclusion on field {name} in exclusion projection")
                : new MongoException(ErrorCodes.Location31254, $"Cannot do exclusion on field {name} in inclusion projection");
        }

        inclusion = on;
    }

    private static (int Skip, int? Limit) ParseSlice(BsonValue v)
    {
        if (v.IsNumeric)
        {
            long n = v.ToInt64();
            return n >= 0 ? (0, (int)Math.Min(n, int.MaxValue)) : ((int)Math.Max(n, int.MinValue), null);
        }

        if (v is BsonArray { Count: 2 } a && a[0].IsNumeric && a[1].IsNumeric)
        {
            long limit = a[1].ToInt64();
            if (limit <= 0)
            {
                throw new MongoException(ErrorCodes.Location28724, "First argument to $slice must be an array, second argument must be a positive number");
            }

            return ((int)a[0].ToInt64(), (int)limit);
        }

        throw new MongoException(ErrorCodes.Location28724, "$slice only supports numbers and [skip, limit] arrays");
    }

    private static void SliceAt(BsonValue node, string[] path, int i, (int Skip, int? Limit) slice)
    {
        if (node is BsonArray items && i < path.Length)
        {
            foreach (var item in items)
            {
                SliceAt(item, path, i, slice);
            }

            return;
        }

        if (node is not BsonDocument d || !d.TryGetValue(path[i], out var child))
        {
            return;
        }

        if (i < path.Length - 1)
        {
            SliceAt(child, path, i + 1, slice);
            return;
        }

        if (child is not BsonArray a)
        {
            return;
        }

        int start = slice.Skip >= 0 ? Math.Min(slice.Skip, a.Count) : Math.Max(0, a.Count + slice.Skip);
        int count = slice.Limit is { } l ? Math.Min(l, a.Count - start) : a.Count - start;
        d.Set(path[i], new BsonArray(a.Skip(start).Take(count)));
    }

    private static void CopyPath(BsonDocument source, BsonDocument target, string[] path, int i)
    {
        if (!source.TryGetValue(path[i], out var value))
        {
            return;
        }

        if (i == path.Length - 1)
        {
            target.Set(path[i], value is BsonDocument vd ? vd.DeepClone() : value is BsonArray va ? va.DeepClone() : value);
            return;
        }

        switch (value)
        {
            case BsonDocument sub:
            {
                var t = target.TryGetValue(path[i], out var existing) && existing is BsonDocument ed ? ed : new BsonDocument();
                CopyPath(sub, t, path, i + 1);
                target.Set(path[i], t);
                break;
            }

            case BsonArray arr:
            {
                // Inclusion through an array keeps, per document element, only the included sub-fields.
                var existingArr = target.TryGetValue(path[i], out var ex) && ex is BsonArray ea ? ea : null;
                var outArr = new BsonArray();
                int k = 0;
                foreach (var el in arr)
                {
                    if (el is BsonDocument ed2)
                    {
                        var t = existingArr is not null && k < existingArr.Count && existingArr[k] is BsonDocument prev ? prev : new BsonDocument();
                        CopyPath(ed2, t, path, i + 1);
                        outArr.Add(t);
                        k++;
                    }
                }

                target.Set(path[i], outArr);
                break;
            }
        }
    }

    private static void RemovePath(BsonValue node, string[] path, int i)
    {
        switch (node)
        {
            case BsonDocument d when i == path.Length - 1:
                d.Remove(path[i]);
                break;
            case BsonDocument d when d.TryGetValue(path[i], out var child):
                RemovePath(child, path, i + 1);
                break;
            case BsonArray a:
                foreach (var item in a)
                {
                    RemovePath(item, path, i);
                }

                break;
        }
    }

    private static void SetPath(BsonDocument doc, string[] path, BsonValue value)
    {
        var current = doc;
        for (int i = 0; i < path.Length - 1; i++)
        {
            if (!current.TryGetValue(path[i], out var next) || next is not BsonDocument nd)
            {
                nd = new BsonDocument();
                current.Set(path[i], nd);
            }

            current = nd;
        }

        current.Set(path[^1], value);
    }
}
