using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>
/// Any BSON value. Instances are immutable except <see cref="BsonDocument"/> and <see cref="BsonArray"/>.
/// Equality, hashing and ordering follow MongoDB's comparison semantics (see <see cref="BsonComparer"/>):
/// <c>1 == 1.0 == 1L == NumberDecimal("1")</c>.
/// </summary>
public abstract class BsonValue : IComparable<BsonValue>, IEquatable<BsonValue>
{
    private protected BsonValue()
    {
    }

    /// <summary>The BSON type of this value.</summary>
    public abstract BsonType Type { get; }

    /// <summary>True for int32, int64, double and decimal128.</summary>
    public bool IsNumeric => Type is BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128;

    /// <summary>True for BSON null (not undefined).</summary>
    public bool IsNull => Type == BsonType.Null;

    public bool IsString => Type == BsonType.String;
    public bool IsDocument => Type == BsonType.Document;
    public bool IsArray => Type == BsonType.Array;
    public bool IsBoolean => Type == BsonType.Boolean;
    public bool IsInt32 => Type == BsonType.Int32;
    public bool IsInt64 => Type == BsonType.Int64;
    public bool IsDouble => Type == BsonType.Double;
    public bool IsObjectId => Type == BsonType.ObjectId;

    public double AsDouble => this is BsonDouble v ? v.Value : throw WrongType(BsonType.Double);
    public string AsString => this is BsonString v ? v.Value : throw WrongType(BsonType.String);
    public int AsInt32 => this is BsonInt32 v ? v.Value : throw WrongType(BsonType.Int32);
    public long AsInt64 => this is BsonInt64 v ? v.Value : throw WrongType(BsonType.Int64);
    public bool AsBoolean => this is BsonBoolean v ? v.Value : throw WrongType(BsonType.Boolean);
    public BsonDocument AsDocument => this as BsonDocument ?? throw WrongType(BsonType.Document);
    public BsonArray AsArray => this as BsonArray ?? throw WrongType(BsonType.Array);
    public ObjectId AsObjectId => this is BsonObjectId v ? v.Value : throw WrongType(BsonType.ObjectId);
    public Decimal128 AsDecimal128 => this is BsonDecimal128 v ? v.Value : throw WrongType(BsonType.Decimal128);
    public BsonDateTime AsDateTime => this as BsonDateTime ?? throw WrongType(BsonType.DateTime);
    public BsonBinary AsBinary => this as BsonBinary ?? throw WrongType(BsonType.Binary);
    public BsonTimestamp AsTimestamp => this as BsonTimestamp ?? throw WrongType(BsonType.Timestamp);
    public BsonRegularExpression AsRegularExpression => this as BsonRegularExpression ?? throw WrongType(BsonType.RegularExpression);
    public BsonJavaScript AsJavaScript => this as BsonJavaScript ?? throw WrongType(BsonType.JavaScript);
    public BsonJavaScriptWithScope AsJavaScriptWithScope => this as BsonJavaScriptWithScope ?? throw WrongType(BsonType.JavaScriptWithScope);
    public BsonSymbol AsSymbol => this as BsonSymbol ?? throw WrongType(BsonType.Symbol);
    public BsonDBPointer AsDBPointer => this as BsonDBPointer ?? throw WrongType(BsonType.DBPointer);

    /// <summary>The numeric value as a double (decimal128 rounds to nearest).</summary>
    /// <exception cref="InvalidCastException">When the value is not numeric.</exception>
    public double ToDouble() => this switch
    {
        BsonDouble v => v.Value,
        BsonInt32 v => v.Value,
        BsonInt64 v => v.Value,
        BsonDecimal128 v => DecimalMath.ToDouble(v.Value),
        _ => throw new InvalidCastException($"Cannot convert BSON {Type} to a number."),
    };

    /// <summary>The numeric value as a long (doubles and decimals truncate toward zero and saturate; NaN gives 0).</summary>
    /// <exception cref="InvalidCastException">When the value is not numeric.</exception>
    public long ToInt64() => this switch
    {
        BsonInt32 v => v.Value,
        BsonInt64 v => v.Value,
        BsonDouble v => double.IsNaN(v.Value) ? 0 : v.Value >= 9.2233720368547758E18 ? long.MaxValue : v.Value <= -9.2233720368547758E18 ? long.MinValue : (long)v.Value,
        BsonDecimal128 v => DecimalMath.ToInt64(v.Value),
        _ => throw new InvalidCastException($"Cannot convert BSON {Type} to a number."),
    };

    public static implicit operator BsonValue(int value) => BsonInt32.Create(value);
    public static implicit operator BsonValue(long value) => new BsonInt64(value);
    public static implicit operator BsonValue(double value) => new BsonDouble(value);
    public static implicit operator BsonValue(string? value) => value is null ? BsonNull.Value : new BsonString(value);
    public static implicit operator BsonValue(bool value) => value ? BsonBoolean.True : BsonBoolean.False;
    public static implicit operator BsonValue(ObjectId value) => new BsonObjectId(value);
    public static implicit operator BsonValue(Decimal128 value) => new BsonDecimal128(value);
    public static implicit operator BsonValue(DateTime value) => new BsonDateTime(value);
    public static implicit operator BsonValue(Guid value) => BsonBinary.FromGuid(value);

    /// <summary>Compares in MongoDB's total order (<see cref="BsonComparer"/>).</summary>
    public int CompareTo(BsonValue? other) => BsonComparer.Instance.Compare(this, other);

    /// <summary>MongoDB equality: compares equal in <see cref="BsonComparer"/>.</summary>
    public bool Equals(BsonValue? other) => BsonComparer.Instance.Equals(this, other);

    public override bool Equals(object? obj) => obj is BsonValue other && Equals(other);

    /// <summary>A hash consistent with <see cref="Equals(BsonValue?)"/> (numbers of equal value hash alike).</summary>
    public override int GetHashCode() => BsonComparer.Instance.GetHashCode(this);

    public static bool operator ==(BsonValue? left, BsonValue? right) => left is null ? right is null : left.Equals(right);
    public static bool operator !=(BsonValue? left, BsonValue? right) => !(left == right);
    public static bool operator <(BsonValue? left, BsonValue? right) => BsonComparer.Instance.Compare(left, right) < 0;
    public static bool operator <=(BsonValue? left, BsonValue? right) => BsonComparer.Instance.Compare(left, right) <= 0;
    public static bool operator >(BsonValue? left, BsonValue? right) => BsonComparer.Instance.Compare(left, right) > 0;
    public static bool operator >=(BsonValue? left, BsonValue? right) => BsonComparer.Instance.Compare(left, right) >= 0;

    /// <summary>Readable, relaxed Extended-JSON-like text (not guaranteed to be exact Extended JSON).</summary>
    public override string ToString()
    {
        var builder = new System.Text.StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    /// <summary>Appends the readable text form; containers recurse through this.</summary>
    internal abstract void AppendTo(System.Text.StringBuilder builder);

    private InvalidCastException WrongType(BsonType expected) =>
        new($"BSON value is {Type}, not {expected}.");
}
