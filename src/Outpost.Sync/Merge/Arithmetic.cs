using Outpost.Bson;

namespace Outpost.Sync.Merge;

/// <summary>Counter arithmetic with MongoDB's numeric widening (int → long → double; any decimal → decimal).</summary>
internal static class Arithmetic
{
    public static BsonValue Add(BsonValue a, BsonValue b)
    {
        if (a.Type == BsonType.Decimal128 || b.Type == BsonType.Decimal128)
        {
            return ToDecimal(a) + ToDecimal(b);
        }
        if (a.Type == BsonType.Double || b.Type == BsonType.Double)
        {
            return a.ToDouble() + b.ToDouble();
        }
        long x = a.ToInt64(), y = b.ToInt64();
        long sum;
        try
        {
            sum = checked(x + y);
        }
        catch (OverflowException)
        {
            return (double)x + y;
        }
        bool bothInt32 = a.Type == BsonType.Int32 && b.Type == BsonType.Int32;
        return bothInt32 && sum is >= int.MinValue and <= int.MaxValue ? (BsonValue)(int)sum : sum;
    }

    public static BsonValue Subtract(BsonValue a, BsonValue b) => Add(a, Negate(b));

    private static BsonValue Negate(BsonValue v) => v.Type switch
    {
        BsonType.Int32 when v.AsInt32 != int.MinValue => -v.AsInt32,
        BsonType.Int32 or BsonType.Int64 when v.ToInt64() != long.MinValue => -v.ToInt64(),
        BsonType.Decimal128 => -v.AsDecimal128,
        _ => -v.ToDouble(),
    };

    private static Decimal128 ToDecimal(BsonValue v) => v.Type switch
    {
        BsonType.Decimal128 => v.AsDecimal128,
        BsonType.Double => (Decimal128)v.AsDouble,
        _ => v.ToInt64(),
    };
}
