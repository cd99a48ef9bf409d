using Outpost.Bson;
using Outpost.Query.Paths;

namespace Outpost.Query.Filters;

/// <summary>$exists: true when the path reaches any value (an empty array counts).</summary>
internal sealed class ExistsMatcher(FieldPath path) : LeafMatcher(path)
{
    protected override bool ExpandLeafArrays => false;

    public override bool MatchesValue(BsonValue? value) => value is not null;

    public override bool MatchesView(BsonValueView value) => true;
}

/// <summary>$type with BSON type numbers, aliases and "number".</summary>
internal sealed class TypeMatcher(FieldPath? path, BsonType[] types, bool number) : LeafMatcher(path)
{
    public override bool MatchesValue(BsonValue? value)
    {
        if (value is null)
        {
            return false;
        }

        if (number && value.IsNumeric)
        {
            return true;
        }

        return Array.IndexOf(types, value.Type) >= 0;
    }

    public override bool MatchesView(BsonValueView value) =>
        (number && value.Type is BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128) ||
        Array.IndexOf(types, value.Type) >= 0;
}

/// <summary>$size: only arrays, never their elements.</summary>
internal sealed class SizeMatcher(FieldPath? path, int size) : LeafMatcher(path)
{
    protected override bool ExpandLeafArrays => false;

    public override bool MatchesValue(BsonValue? value) => value is BsonArray a && a.Count == size;

    public override bool MatchesView(BsonValueView value)
    {
        if (value.Type != BsonType.Array)
        {
            return false;
        }

        int count = 0;
        foreach (var element in value.AsArray)
        {
            count++;
        }

        return count == size;
    }
}

/// <summary>$mod: [divisor, remainder] on numbers truncated to integers; NaN and infinities never match.</summary>
internal sealed class ModMatcher(FieldPath? path, long divisor, long remainder) : LeafMatcher(path)
{
    public override bool MatchesValue(BsonValue? value)
    {
        if (value is null || !value.IsNumeric)
        {
            return false;
        }

        if (value is BsonDouble d && (double.IsNaN(d.Value) || double.IsInfinity(d.Value)))
        {
            return false;
        }

        if (value is BsonDecimal128 m && (m.Value.IsNaN || m.Value.IsInfinity))
        {
            return false;
        }

        long x = value.ToInt64();
        return divisor == -1 ? remainder == 0 : x % divisor == remainder;
    }
}

/// <summary>$bitsAllSet / $bitsAnySet / $bitsAllClear / $bitsAnyClear over integral numbers and binary data.</summary>
internal sealed class BitsMatcher(FieldPath? path, string op, int[] positions) : LeafMatcher(path)
{
    public override bool MatchesValue(BsonValue? value)
    {
        switch (value)
        {
            case BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128:
            {
                if (!TryIntegral(value, out long bits))
                {
                    return false;
                }

                return Evaluate(p => p >= 64 ? bits < 0 : ((bits >> p) & 1) != 0);
            }

            case BsonBinary bin:
            {
                var data = bin.Data.Span.ToArray();
                return Evaluate(p => (p / 8) < data.Length && ((data[p / 8] >> (p % 8)) & 1) != 0);
            }

            default:
                return false;
        }
    }

    private bool Evaluate(Func<int, bool> isSet)
    {
        switch (op)
        {
            case "$bitsAllSet":
                foreach (int p in positions)
                {
                    if (!isSet(p))
                    {
                        return false;
                    }
                }

                return true;
            case "$bitsAnySet":
                foreach (int p in positions)
                {
                    if (isSet(p))
                    {
                        return true;
                    }
                }

                return false;
            case "$bitsAllClear":
                foreach (int p in positions)
                {
                    if (isSet(p))
                    {
                        return false;
                    }
                }

                return true;
            default:
                foreach (int p in positions)
                {
                    if (!isSet(p))
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    /// <summary>A number usable as a bit field: integral and representable as a 64-bit two's complement integer.</summary>
    public static bool TryIntegral(BsonValue value, out long result)
    {
        switch (value)
        {
            case BsonInt32 i:
                result = i.Value;
                return true;
            case BsonInt64 l:
                result = l.Value;
                return true;
            case BsonDouble d when !double.IsNaN(d.Value) && Math.Floor(d.Value) == d.Value && d.Value >= -9.2233720368547758E18 && d.Value < 9.2233720368547758E18:
                result = (long)d.Value;
                return true;
            case BsonDecimal128 m when !m.Value.IsNaN && !m.Value.IsInfinity:
            {
                double dv = m.Value.ToDouble();
                if (Math.Floor(dv) == dv && dv >= -9.2233720368547758E18 && dv < 9.2233720368547758E18)
                {
                    result = (long)dv;
                    return true;
                }

                break;
            }
        }

        result = 0;
        return false;
    }
}

/// <summary>$elemMatch: some element of an array satisfies all predicates (value form) or the sub-filter (document form).</summary>
internal sealed class ElemMatchMatcher(FieldPath? path, MatchNode? documentFilter, LeafMatcher[]? valuePredicates) : LeafMatcher(path)
{
    protected override bool ExpandLeafArrays => false;

    public override bool MatchesValue(BsonValue? value)
    {
        if (value is not BsonArray array)
        {
            return false;
        }

        foreach (var element in array)
        {
            if (ElementMatches(element))
            {
                return true;
            }
        }

        return false;
    }

    public int IndexOfMatch(BsonArray array)
    {
        for (int i = 0; i < array.Count; i++)
        {
            if (ElementMatches(array[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private bool ElementMatches(BsonValue element)
    {
        if (documentFilter is not null)
        {
            return element is BsonDocument d && documentFilter.Matches(d, null);
        }

        foreach (var p in valuePredicates!)
        {
            if (!p.MatchesValue(element))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>$not inside an $elemMatch value form: negates one element-level predicate.</summary>
internal sealed class ValueNotMatcher(LeafMatcher[] inner) : LeafMatcher(null)
{
    public override bool MatchesValue(BsonValue? value)
    {
        foreach (var p in inner)
        {
            if (!p.MatchesValue(value))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A predicate that is decided elsewhere ($comment, $text, which the engine evaluates) or a constant.</summary>
internal sealed class ConstantNode(bool value) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchDetails? details) => value;

    public override bool Matches(BsonDocumentView document, MatchDetails? details) => value;

    public override bool CollectTopLevelFields(HashSet<string> names) => true;
}
