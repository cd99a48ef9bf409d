using System.Globalization;
using Outpost.Bson;

namespace Outpost.Query.Expressions;

/// <summary>
/// Value helpers shared by the expression language. A missing value is represented by <see cref="BsonUndefined.Value"/>:
/// MongoDB itself ranks missing and undefined together (canonical type 0) below null, so comparisons stay right, and a
/// missing result never has to be confused with BSON null.
/// </summary>
internal static class Values
{
    public static readonly BsonValue Missing = BsonUndefined.Value;

    public static bool IsMissing(BsonValue v) => v.Type == BsonType.Undefined;

    /// <summary>null, undefined or missing: what most operators treat as "no value" (and return null for).</summary>
    public static bool IsNullish(BsonValue v) => v.Type is BsonType.Null or BsonType.Undefined;

    /// <summary>Aggregation truthiness: false, null, missing, undefined and numeric zero are false; everything else true.</summary>
    public static bool IsTrue(BsonValue v) => v switch
    {
        BsonBoolean b => b.Value,
        BsonInt32 i => i.Value != 0,
        BsonInt64 l => l.Value != 0,
        BsonDouble d => d.Value != 0,
        BsonDecimal128 m => !m.Value.IsZero,
        _ => !IsNullish(v),
    };

    /// <summary>Aggregation comparison: like the BSON order but missing sorts below null (MongoDB's canonical types).</summary>
    public static int Compare(BsonValue a, BsonValue b)
    {
        bool am = IsMissing(a), bm = IsMissing(b);
        if (am || bm)
        {
            if (am && bm)
            {
                return 0;
            }

            if (am && b.Type == BsonType.Null)
            {
                return -1;
            }

            if (bm && a.Type == BsonType.Null)
            {
                return 1;
            }
        }

        return BsonComparer.Instance.Compare(a, b);
    }

    /// <summary>The value stored in a document or array: missing becomes null inside arrays.</summary>
    public static BsonValue NullIfMissing(BsonValue v) => IsMissing(v) ? BsonNull.Value : v;

    /// <summary>MongoDB's type alias as returned by <c>$type</c>.</summary>
    public static string TypeName(BsonValue v) => TypeName(v.Type);

    public static string TypeName(BsonType t) => t switch
    {
        BsonType.Double => "double",
        BsonType.String => "string",
        BsonType.Document => "object",
        BsonType.Array => "array",
        BsonType.Binary => "binData",
        BsonType.Undefined => "missing",
        BsonType.ObjectId => "objectId",
        BsonType.Boolean => "bool",
        BsonType.DateTime => "date",
        BsonType.Null => "null",
        BsonType.RegularExpression => "regex",
        BsonType.DBPointer => "dbPointer",
        BsonType.JavaScript => "javascript",
        BsonType.Symbol => "symbol",
        BsonType.JavaScriptWithScope => "javascriptWithScope",
        BsonType.Int32 => "int",
        BsonType.Timestamp => "timestamp",
        BsonType.Int64 => "long",
        BsonType.Decimal128 => "decimal",
        BsonType.MinKey => "minKey",
        BsonType.MaxKey => "maxKey",
        _ => "unknown",
    };

    /// <summary>Numeric rank for type promotion: int &lt; long &lt; double &lt; decimal.</summary>
    public static int NumericRank(BsonType t) => t switch
    {
        BsonType.Int32 => 0,
        BsonType.Int64 => 1,
        BsonType.Double => 2,
        BsonType.Decimal128 => 3,
        _ => -1,
    };

    public static Decimal128 ToDecimal(BsonValue v) => v switch
    {
        BsonInt32 i => i.Value,
        BsonInt64 l => l.Value,
        BsonDouble d => DoubleToDecimal(d.Value),
        BsonDecimal128 m => m.Value,
        _ => throw new InvalidCastException(),
    };

    public static Decimal128 DoubleToDecimal(double d)
    {
        if (double.IsNaN(d))
        {
            return Decimal128.NaN;
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? Decimal128.PositiveInfinity : Decimal128.NegativeInfinity;
        }

        // MongoDB converts doubles to decimal with 15 significant digits.
        return Decimal128.Parse(d.ToString("G15", CultureInfo.InvariantCulture));
    }

    /// <summary>Builds a number of the smallest type that holds <paramref name="value"/> when it came from int inputs.</summary>
    public static BsonValue IntOrLong(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? BsonInt32.Create((int)value) : new BsonInt64(value);

    /// <summary>True when the value is a number that is integral and fits in a 32-bit int.</summary>
    public static bool TryGetInt(BsonValue v, out int result)
    {
        switch (v)
        {
            case BsonInt32 i:
                result = i.Value;
                return true;
            case BsonInt64 l when l.Value is >= int.MinValue and <= int.MaxValue:
                result = (int)l.Value;
                return true;
            case BsonDouble d when d.Value == Math.Floor(d.Value) && d.Value is >= int.MinValue and <= int.MaxValue:
                result = (int)d.Value;
                return true;
            case BsonDecimal128 m:
                double dd = m.Value.ToDouble();
                if (dd == Math.Floor(dd) && dd is >= int.MinValue and <= int.MaxValue && Decimal128.CompareExact(m.Value, (long)dd) == 0)
                {
                    result = (int)dd;
                    return true;
                }

                break;
        }

        result = 0;
        return false;
    }

    /// <summary>True when the value is an integral number that fits in a long.</summary>
    public static bool TryGetLong(BsonValue v, out long result)
    {
        switch (v)
        {
            case BsonInt32 i:
                result = i.Value;
                return true;
            case BsonInt64 l:
                result = l.Value;
                return true;
            case BsonDouble d when d.Value == Math.Floor(d.Value) && d.Value >= -9.2233720368547758E18 && d.Value < 9.2233720368547758E18:
                result = (long)d.Value;
                return true;
            case BsonDecimal128 m when !m.Value.IsNaN && !m.Value.IsInfinity:
                long t = m.Value.ToInt64();
                if (Decimal128.CompareExact(m.Value, t) == 0)
                {
                    result = t;
                    return true;
                }

                break;
        }

        result = 0;
        return false;
    }

    public static string Display(BsonValue v) => IsMissing(v) ? "missing" : v.ToString();
}
