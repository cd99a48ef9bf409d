using Outpost.Bson;
using Outpost.Query.Sorting;

namespace Outpost.Query.Updates;

/// <summary>One operator applied to one path ({ $inc: { a: 1 } } gives one operation).</summary>
internal sealed class UpdateOperation
{
    private readonly string _op;
    private readonly string[] _parts;
    private readonly string _path;
    private readonly BsonValue _arg;
    private readonly IComparer<BsonValue> _comparer;
    private readonly QueryFilter? _pullFilter;
    private readonly bool _pullWrapped;
    private readonly BsonArray? _each;
    private readonly int? _slice;
    private readonly int? _position;
    private readonly BsonValue? _sort;

    private UpdateOperation(string op, string[] parts, string path, BsonValue arg, QueryContext context)
    {
        _op = op;
        _parts = parts;
        _path = path;
        _arg = arg;
        _comparer = context.Collation is { IsSimple: false } c ? c.ValueComparer : BsonComparer.Instance;
        switch (op)
        {
            case "$inc" or "$mul":
                if (!arg.IsNumeric)
                {
                    throw new MongoException(ErrorCodes.TypeMismatch, $"Cannot {(op == "$inc" ? "increment" : "multiply")} with non-numeric argument: {{{path}: {arg}}}");
                }

                break;
            case "$rename":
                if (arg is not BsonString to)
                {
                    throw new MongoException(ErrorCodes.BadValue, $"The 'to' field for $rename must be a string: {path}: {arg}");
                }

                if (to.Value == path)
                {
                    throw new MongoException(ErrorCodes.BadValue, $"The source and target field for $rename must differ: {path}: {arg}");
                }

                if (path.Contains('$') || to.Value.Contains('$'))
                {
                    throw new MongoException(ErrorCodes.BadValue, "The source field for $rename may not be dynamic");
                }

                RenameTarget = to.Value;
                break;
            case "$currentDate":
                bool ok = arg is BsonBoolean || (arg is BsonDocument cd && cd.ElementCount == 1 && cd.TryGetValue("$type", out var t) && t is BsonString { Value: "date" or "timestamp" });
                if (!ok)
                {
                    throw new MongoException(ErrorCodes.BadValue, $"{path} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({{$type: 'timestamp/date'}}).");
                }

                break;
            case "$pop":
                if (!arg.IsNumeric || (arg.ToDouble() != 1 && arg.ToDouble() != -1))
                {
                    throw new MongoException(ErrorCodes.FailedToParse, $"$pop expects 1 or -1, found: {arg}");
                }

                break;
            case "$pullAll":
                if (arg is not BsonArray)
                {
                    throw new MongoException(ErrorCodes.BadValue, $"$pullAll requires an array argument but was given a {UpdatePlan.TypeName(arg)}");
                }

                break;
            case "$pull":
                if (arg is BsonDocument pd)
                {
                    bool ops = pd.ElementCount > 0 && pd.GetElement(0).Name.StartsWith('$') && pd.GetElement(0).Name is not ("$and" or "$or" or "$nor");
                    _pullWrapped = ops;
                    _pullFilter = QueryFilter.Compile(ops ? new BsonDocument("v", pd) : pd, context);
                }
                else if (arg is BsonRegularExpression rx)
                {
                    _pullWrapped = true;
                    _pullFilter = QueryFilter.Compile(new BsonDocument("v", rx), context);
                }

                break;
            case "$bit":
                if (arg is not BsonDocument bd || bd.ElementCount == 0)
                {
                    throw new MongoException(ErrorCodes.BadValue, $"The $bit modifier is not compatible with a {UpdatePlan.TypeName(arg)}. You must pass in an embedded document: {{$bit: {{field: {{and/or/xor: #}}}}");
                }

                foreach (var b in bd)
                {
                    if (b.Name is not ("and" or "or" or "xor"))
                    {
                        throw new MongoException(ErrorCodes.BadValue, $"The $bit modifier only supports 'and', 'or', and 'xor', not '{b.Name}' which is an unknown operator: {{{b.Name}: {b.Value}}}");
                    }

                    if (b.Value is not (BsonInt32 or BsonInt64))
                    {
                        throw new MongoException(ErrorCodes.BadValue, $"The $bit modifier field must be an Integer(32/64 bit); a '{UpdatePlan.TypeName(b.Value)}' is not supported here: {{{b.Name}: {b.Value}}}");
                    }
                }

                break;
            case "$push" or "$addToSet":
                if (arg is BsonDocument pdoc && pdoc.Contains("$each"))
                {
                    _each = pdoc["$each"] as BsonArray ?? throw new MongoException(ErrorCodes.BadValue, $"The argument to $each in {op} must be an array but it was of type: {UpdatePlan.TypeName(pdoc["$each"])}");
                    foreach (var m in pdoc)
                    {
                        switch (m.Name)
                        {
                            case "$each":
                                break;
                            case "$slice" when op == "$push":
                                _slice = m.Value.IsNumeric && BitsIntegral(m.Value) ? (int)m.Value.ToInt64() : throw new MongoException(ErrorCodes.BadValue, "The value for $slice must be an integer value but was given type: " + UpdatePlan.TypeName(m.Value));
                                break;
                            case "$position" when op == "$push":
                                _position = m.Value.IsNumeric && BitsIntegral(m.Value) ? (int)m.Value.ToInt64() : throw new MongoException(ErrorCodes.BadValue, "The value for $position must be an integer value, not of type: " + UpdatePlan.TypeName(m.Value));
                                break;
                            case "$sort" when op == "$push":
                                _sort = m.Value;
                                if (m.Value is BsonDocument sd)
                                {
                                    _ = SortSpec.Compile(sd);
                                }
                                else if (!m.Value.IsNumeric || Math.Abs(m.Value.ToDouble()) != 1)
                                {
                                    throw new MongoException(ErrorCodes.BadValue, "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields");
                                }

                                break;
                            default:
                                throw new MongoException(ErrorCodes.BadValue, $"Unrecognized clause in {op}: {m.Name}");
                        }
                    }
                }

                break;
        }
    }

    /// <summary>The destination of a $rename, which takes part in conflict detection.</summary>
    public string? RenameTarget { get; }

    public static UpdateOperation Create(string op, string[] parts, string path, BsonValue arg, QueryContext context) =>
        new(op, parts, path, arg, context);

    public void Apply(ApplyState s)
    {
        if (_op == "$setOnInsert" && !s.Context.IsUpsertInsert)
        {
            return;
        }

        if (_op == "$rename")
        {
            ApplyRename(s);
            return;
        }

        foreach (var path in s.Resolve(_parts))
        {
            ApplyAt(s, path);
        }
    }

    private void ApplyRename(ApplyState s)
    {
        CheckNoArrayOnPath(s, _parts, "source");
        var value = s.Get(_parts);
        if (value is null)
        {
            return;
        }

        var target = RenameTarget!.Split('.');
        CheckNoArrayOnPath(s, target, "destination");
        s.Remove(_parts);
        s.SetAt(target, value);
    }

    private static void CheckNoArrayOnPath(ApplyState s, string[] parts, string which)
    {
        for (int i = 1; i < parts.Length; i++)
        {
            if (s.Get(parts[..i]) is BsonArray)
            {
                throw new MongoException(ErrorCodes.BadValue, $"The {which} field cannot be an array element, '{string.Join('.', parts)}' in doc with {parts[i - 1]} being an array");
            }
        }
    }

    private void ApplyAt(ApplyState s, string[] path)
    {
        var current = s.Get(path);
        switch (_op)
        {
            case "$set" or "$setOnInsert":
                if (current is null || BsonComparer.Instance.Compare(current, _arg) != 0 || current.Type != _arg.Type)
                {
                    s.SetAt(path, Clone(_arg));
                }

                break;
            case "$unset":
                s.Remove(path);
                break;
            case "$inc" or "$mul":
            {
                if (current is not null && !current.IsNumeric)
                {
                    var idPart = s.Document.TryGetValue("_id", out var id) ? $"{{_id: {id}}}" : "{}";
                    throw new MongoException(ErrorCodes.TypeMismatch, $"Cannot apply {_op} to a value of non-numeric type. {idPart} has the field '{path[^1]}' of non-numeric type {UpdatePlan.TypeName(current)}");
                }

                var result = _op == "$inc" ? Numeric.Add(current ?? BsonInt32.Create(0), _arg) : current is null ? Numeric.Multiply(BsonInt32.Create(0), _arg) : Numeric.Multiply(current, _arg);
                if (current is null || current.Type != result.Type || BsonComparer.Instance.Compare(current, result) != 0)
                {
                    s.SetAt(path, result);
                }

                break;
            }

            case "$min" or "$max":
            {
                int c = current is null ? 0 : _comparer.Compare(_arg, current);
                if (current is null || (_op == "$min" ? c < 0 : c > 0))
                {
                    s.SetAt(path, Clone(_arg));
                }

                break;
            }

            case "$currentDate":
                s.SetAt(path, _arg is BsonDocument d && d["$type"].AsString == "timestamp"
                    ? new BsonTimestamp((uint)new DateTimeOffset(s.Now).ToUnixTimeSeconds(), 1)
                    : new BsonDateTime(s.Now));
                break;
            case "$push" or "$addToSet":
                ApplyPush(s, path, current);
                break;
            case "$pop":
            {
                if (current is null)
                {
                    return;
                }

                var a = RequireArray(s, current, path);
                if (a.Count == 0)
                {
                    return;
                }

                if (_arg.ToDouble() == 1)
                {
                    a.RemoveAt(a.Count - 1);
                    s.Description.TruncatedArrays.Add((string.Join('.', path), a.Count));
                }
                else
                {
                    a.RemoveAt(0);
                    s.Touched(path);
                }

                break;
            }

            case "$pull" or "$pullAll":
            {
                if (current is null)
                {
                    return;
                }

                var a = RequireArray(s, current, path);
                int before = a.Count;
                for (int i = a.Count - 1; i >= 0; i--)
                {
                    if (PullMatches(a[i]))
                    {
                        a.RemoveAt(i);
                    }
                }

                if (a.Count != before)
                {
                    s.Touched(path);
                }

                break;
            }

            case "$bit":
            {
                if (current is not null && current is not (BsonInt32 or BsonInt64))
                {
                    throw new MongoException(ErrorCodes.BadValue, $"Cannot apply $bit to a value of non-integral type.{{_id: {(s.Document.TryGetValue("_id", out var bid) ? bid : BsonNull.Value)}}} has the field {path[^1]} of non-integer type {UpdatePlan.TypeName(current)}");
                }

                long v = current?.ToInt64() ?? 0;
                bool isLong = current is BsonInt64;
                foreach (var b in (BsonDocument)_arg)
                {
                    long m = b.Value.ToInt64();
                    isLong |= b.Value is BsonInt64;
                    v = b.Name switch { "and" => v & m, "or" => v | m, _ => v ^ m };
                }

                BsonValue result = isLong ? new BsonInt64(v) : BsonInt32.Create((int)v);
                if (current is null || BsonComparer.Instance.Compare(current, result) != 0 || current.Type != result.Type)
                {
                    s.SetAt(path, result);
                }

                break;
            }
        }
    }

    private bool PullMatches(BsonValue element)
    {
        if (_op == "$pullAll")
        {
            foreach (var v in (BsonArray)_arg)
            {
                if (_comparer.Compare(v, element) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        if (_pullFilter is null)
        {
            return _comparer.Compare(_arg, element) == 0;
        }

        if (_pullWrapped)
        {
            return _pullFilter.Matches(new BsonDocument("v", element));
        }

        return element is BsonDocument d && _pullFilter.Matches(d);
    }

    private void ApplyPush(ApplyState s, string[] path, BsonValue? current)
    {
        BsonArray array;
        if (current is null)
        {
            array = [];
        }
        else
        {
            array = RequireArray(s, current, path);
        }

        var items = _each ?? [_arg];
        bool changed = current is null;
        if (_op == "$addToSet")
        {
            foreach (var item in items)
            {
                bool present = false;
                foreach (var existing in array)
                {
                    if (_comparer.Compare(existing, item) == 0)
                    {
                        present = true;
                        break;
                    }
                }

                if (!present)
                {
                    array.Add(Clone(item));
                    changed = true;
                }
            }
        }
        else
        {
            int pos = _position is { } p ? (p < 0 ? Math.Max(0, array.Count + p) : Math.Min(p, array.Count)) : array.Count;
            foreach (var item in items)
            {
                array.Insert(pos++, Clone(item));
            }

            changed |= items.Count > 0;
            if (_sort is not null)
            {
                var sorted = array.ToList();
                IComparer<BsonValue> cmp = _sort is BsonDocument sd
                    ? Comparer<BsonValue>.Create((x, y) => SortSpec.Compile(sd).Compare(x as BsonDocument ?? [], y as BsonDocument ?? []))
                    : Comparer<BsonValue>.Create((x, y) => _comparer.Compare(x, y) * (int)_sort.ToDouble());
                var stable = sorted.Select((v, i) => (v, i)).OrderBy(t => t.v, cmp).ThenBy(t => t.i).Select(t => t.v).ToList();
                array.Clear();
                array.AddRange(stable);
                changed = true;
            }

            if (_slice is { } sl)
            {
                int keep = Math.Min(Math.Abs(sl), array.Count);
                if (sl >= 0)
                {
                    while (array.Count > keep)
                    {
                        array.RemoveAt(array.Count - 1);
                    }
                }
                else
                {
                    while (array.Count > keep)
                    {
                        array.RemoveAt(0);
                    }
                }

                changed = true;
            }
        }

        if (current is null)
        {
            s.SetAt(path, array);
        }
        else if (changed)
        {
            s.Touched(path);
        }
    }

    private static BsonArray RequireArray(ApplyState s, BsonValue current, string[] path)
    {
        if (current is BsonArray a)
        {
            return a;
        }

        var id = s.Document.TryGetValue("_id", out var v) ? v.ToString() : "";
        throw new MongoException(ErrorCodes.BadValue, $"The field '{string.Join('.', path)}' must be an array but is of type {UpdatePlan.TypeName(current)} in document {{_id: {id}}}");
    }

    private static bool BitsIntegral(BsonValue v) => Math.Floor(v.ToDouble()) == v.ToDouble();

    private static BsonValue Clone(BsonValue v) => v switch
    {
        BsonDocument d => d.DeepClone(),
        BsonArray a => a.DeepClone(),
        _ => v,
    };

    public override string ToString() => $"{_op} {_path}";
}
