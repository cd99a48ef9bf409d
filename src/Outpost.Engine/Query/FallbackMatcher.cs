using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>
/// A small interpreter of the common filter operators, used only while Outpost.Query's QueryFilter is a stub
/// (it throws NotImplementedException). Supports equality, $eq/$ne/$gt/$gte/$lt/$lte/$in/$nin/$exists, $and/$or/$nor.
/// </summary>
internal static class FallbackMatcher
{
    public static bool Matches(BsonDocument filter, BsonDocument document)
    {
        foreach (var e in filter)
        {
            switch (e.Name)
            {
                case "$and":
                    foreach (var sub in e.Value.AsArray) if (!Matches(sub.AsDocument, document)) return false;
                    break;
                case "$or":
                    {
                        var any = false;
                        foreach (var sub in e.Value.AsArray) if (Matches(sub.AsDocument, document)) { any = true; break; }
                        if (!any) return false;
                        break;
                    }

                case "$nor":
                    foreach (var sub in e.Value.AsArray) if (Matches(sub.AsDocument, document)) return false;
                    break;
                case "$comment": break;
                default:
                    if (!MatchField(document, e.Name, e.Value)) return false;
                    break;
            }
        }

        return true;
    }

    private static bool MatchField(BsonDocument document, string path, BsonValue condition)
    {
        var values = new List<BsonValue>();
        DocumentPaths.Collect(document, path.Split('.'), 0, values, expandLeafArrays: true);
        if (condition is BsonDocument ops && ops.ElementCount > 0 && ops.GetElement(0).Name.StartsWith('$'))
        {
            foreach (var op in ops)
                if (!MatchOperator(values, op.Name, op.Value)) return false;
            return true;
        }

        return MatchOperator(values, "$eq", condition);
    }

    private static bool MatchOperator(List<BsonValue> values, string op, BsonValue arg)
    {
        switch (op)
        {
            case "$eq": return values.Count == 0 ? arg.IsNull : Any(values, v => Eq(v, arg));
            case "$ne": return !MatchOperator(values, "$eq", arg);
            case "$gt": return Any(values, v => SameBracket(v, arg) && v.CompareTo(arg) > 0);
            case "$gte": return Any(values, v => SameBracket(v, arg) && v.CompareTo(arg) >= 0);
            case "$lt": return Any(values, v => SameBracket(v, arg) && v.CompareTo(arg) < 0);
            case "$lte": return Any(values, v => SameBracket(v, arg) && v.CompareTo(arg) <= 0);
            case "$in":
                foreach (var item in arg.AsArray) if (MatchOperator(values, "$eq", item)) return true;
                return false;
            case "$nin": return !MatchOperator(values, "$in", arg);
            case "$exists":
                var want = arg is BsonBoolean b ? b.Value : !arg.IsNumeric || arg.ToDouble() != 0;
                return (values.Count > 0) == want;
            default:
                throw new MongoException(ErrorCodes.BadValue, $"unknown operator: {op}");
        }
    }

    private static bool Eq(BsonValue v, BsonValue arg) => (v.IsNull || v is BsonUndefined) && arg.IsNull || v.CompareTo(arg) == 0 && SameBracket(v, arg);

    private static bool SameBracket(BsonValue a, BsonValue b) => BsonComparer.GetBracket(a.Type) == BsonComparer.GetBracket(b.Type);

    private static bool Any(List<BsonValue> values, Func<BsonValue, bool> predicate)
    {
        foreach (var v in values) if (predicate(v)) return true;
        return false;
    }
}
