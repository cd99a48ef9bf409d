using Outpost.Bson;

namespace Outpost.Query.Updates;

/// <summary>$inc/$mul arithmetic with MongoDB's type promotion: int32 → int64 on overflow, any double → double, any decimal → decimal.</summary>
internal static class Numeric
{
    public static BsonValue Add(BsonValue a, BsonValue b)
    {
        if (a is BsonDecimal128 || b is BsonDecimal128)
        {
            return new BsonDecimal128(ToDecimal(a) + ToDecimal(b));
        }

        if (a is BsonDouble || b is BsonDouble)
        {
            return new BsonDouble(a.ToDouble() + b.ToDouble());
        }

        long x = a.ToInt64(), y = b.ToInt64();
        long r;
        try
        {
            r = checked(x + y);
        }
        catch (OverflowException)
        {
            throw new MongoException(ErrorCodes.BadValue, $"Failed to apply $inc operations to current value ({a}) for document: integer overflow");
        }

        return a is BsonInt64 || b is BsonInt64 || r is > int.MaxValue or < int.MinValue ? new BsonInt64(r) : BsonInt32.Create((int)r);
    }

    public static BsonValue Multiply(BsonValue a, BsonValue b)
    {
        if (a is BsonDecimal128 || b is BsonDecimal128)
        {
            return new BsonDecimal128(ToDecimal(a) * ToDecimal(b));
        }

        if (a is BsonDouble || b is BsonDouble)
        {
            return new BsonDouble(a.ToDouble() * b.ToDouble());
        }

        long x = a.ToInt64(), y = b.ToInt64();
        long r;
        try
        {
            r = checked(x * y);
        }
        catch (OverflowException)
        {
            throw new MongoException(ErrorCodes.BadValue, $"Failed to apply $mul operations to current value ({a}) for document: integer overflow");
        }

        return a is BsonInt64 || b is BsonInt64 || r is > int.MaxValue or < int.MinValue ? new BsonInt64(r) : BsonInt32.Create((int)r);
    }

    private static Decimal128 ToDecimal(BsonValue v) => v switch
    {
        BsonDecimal128 d => d.Value,
        BsonDouble d => (Decimal128)d.Value,
        _ => (Decimal128)v.ToInt64(),
    };
}
