using System.Globalization;
using System.Numerics;

namespace Outpost.Bson.Tests;

public sealed class Decimal128Tests
{
    private static Decimal128 D(string s) => Decimal128.Parse(s);

    [Fact]
    public void Constants_print_canonically()
    {
        Assert.Equal("0", Decimal128.Zero.ToString());
        Assert.Equal("1", Decimal128.One.ToString());
        Assert.Equal("-1", Decimal128.NegativeOne.ToString());
        Assert.Equal("NaN", Decimal128.NaN.ToString());
        Assert.Equal("Infinity", Decimal128.PositiveInfinity.ToString());
        Assert.Equal("-Infinity", Decimal128.NegativeInfinity.ToString());
        Assert.Equal("9.999999999999999999999999999999999E+6144", Decimal128.MaxValue.ToString());
        Assert.Equal("-9.999999999999999999999999999999999E+6144", Decimal128.MinValue.ToString());
        Assert.Equal(D("0"), Decimal128.Zero);
        Assert.Equal(D("1"), Decimal128.One);
        Assert.Equal(D("-1"), Decimal128.NegativeOne);
    }

    [Fact]
    public void Predicates()
    {
        Assert.True(Decimal128.NaN.IsNaN);
        Assert.False(Decimal128.NaN.IsInfinity);
        Assert.True(Decimal128.NegativeInfinity.IsInfinity);
        Assert.True(Decimal128.NegativeInfinity.IsNegative);
        Assert.True(D("-0").IsZero);
        Assert.True(D("-0").IsNegative);
        Assert.True(D("0E+300").IsZero);
        Assert.False(D("1E-6176").IsZero);
        Assert.False(Decimal128.PositiveInfinity.IsZero);
        Assert.False(Decimal128.NaN.IsZero);
    }

    [Fact]
    public void Bytes_round_trip_and_length_is_checked()
    {
        var value = D("-1234.5678E-20");
        var bytes = new byte[16];
        value.WriteTo(bytes);
        Assert.Equal(value, Decimal128.FromBytes(bytes));
        Assert.Equal(value.Low, BitConverter.ToUInt64(bytes, 0));
        Assert.Throws<ArgumentException>(() => Decimal128.FromBytes(new byte[15]));
        Assert.Throws<ArgumentException>(() => value.WriteTo(new byte[8]));
    }

    [Fact]
    public void Parse_throws_FormatException_on_bad_input()
    {
        Assert.Throws<FormatException>(() => Decimal128.Parse("abc"));
        Assert.Throws<FormatException>(() => Decimal128.Parse("1.11111111111111111111111111111111111"));
        Assert.False(Decimal128.TryParse(null, out _));
    }

    [Theory]
    [InlineData("1", "1", "2")]
    [InlineData("1.0", "1.00", "2.00")]
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("1E+2", "1", "101")]
    [InlineData("-5", "5", "0")]
    [InlineData("-0", "-0", "-0")]
    [InlineData("-0", "0", "0")]
    [InlineData("1E+100", "1E-100", "1.000000000000000000000000000000000E+100")]
    [InlineData("1E+100", "-1E-100", "1.000000000000000000000000000000000E+100")]
    [InlineData("1E+100", "-1E+66", "9.999999999999999999999999999999999E+99")]
    [InlineData("1E+6000", "0E-6000", "1.000000000000000000000000000000000E+6000")]
    [InlineData("0E+6000", "5E-6000", "5E-6000")]
    [InlineData("1", "1E-40", "1.000000000000000000000000000000000")]
    [InlineData("1234567890123456789012345678901234", "0.5", "1234567890123456789012345678901234")]
    [InlineData("1234567890123456789012345678901235", "0.5", "1234567890123456789012345678901236")]
    [InlineData("1234567890123456789012345678901234", "0.6", "1234567890123456789012345678901235")]
    [InlineData("9.999999999999999999999999999999999E+6144", "9.999999999999999999999999999999999E+6144", "Infinity")]
    [InlineData("-9.999999999999999999999999999999999E+6144", "-9E+6144", "-Infinity")]
    [InlineData("Infinity", "-Infinity", "NaN")]
    [InlineData("Infinity", "1", "Infinity")]
    [InlineData("NaN", "1", "NaN")]
    public void Add_table(string a, string b, string expected)
    {
        Assert.Equal(expected, (D(a) + D(b)).ToString());
        Assert.Equal(expected, (D(b) + D(a)).ToString());
    }

    [Theory]
    [InlineData("1", "0.01", "0.99")]
    [InlineData("10", "10", "0")]
    [InlineData("-1", "1", "-2")]
    [InlineData("1E-6176", "2E-6176", "-1E-6176")]
    [InlineData("Infinity", "Infinity", "NaN")]
    public void Subtract_table(string a, string b, string expected) => Assert.Equal(expected, (D(a) - D(b)).ToString());

    [Theory]
    [InlineData("1.5", "2", "3.0")]
    [InlineData("-2", "0", "-0")]
    [InlineData("-2", "-3", "6")]
    [InlineData("1E+6111", "10", "1.0E+6112")]
    [InlineData("1E+6144", "10", "Infinity")]
    [InlineData("-1E+6144", "10", "-Infinity")]
    [InlineData("Infinity", "0", "NaN")]
    [InlineData("-Infinity", "2", "-Infinity")]
    [InlineData("1E-6176", "0.1", "0E-6176")]
    [InlineData("5E-6176", "0.1", "0E-6176")]
    [InlineData("15E-6176", "0.1", "2E-6176")]
    [InlineData("25E-6176", "0.1", "2E-6176")]
    [InlineData("1111111111111111111111111111111111", "3", "3333333333333333333333333333333333")]
    [InlineData("1111111111111111111111111111111111", "9", "9999999999999999999999999999999999")]
    [InlineData("1111111111111111111111111111111111", "10", "1.111111111111111111111111111111111E+34")]
    [InlineData("1111111111111111111111111111111112", "9", "1.000000000000000000000000000000001E+34")]
    [InlineData("5555555555555555555555555555555555", "3", "1.666666666666666666666666666666666E+34")]
    [InlineData("5555555555555555555555555555555557", "3", "1.666666666666666666666666666666667E+34")]
    [InlineData("9999999999999999999999999999999999", "9999999999999999999999999999999999", "9.999999999999999999999999999999998E+67")]
    public void Multiply_table(string a, string b, string expected)
    {
        Assert.Equal(expected, (D(a) * D(b)).ToString());
        Assert.Equal(expected, (D(b) * D(a)).ToString());
    }

    [Theory]
    [InlineData("1", "3", "0.3333333333333333333333333333333333")]
    [InlineData("2", "3", "0.6666666666666666666666666666666667")]
    [InlineData("10", "4", "2.5")]
    [InlineData("1", "8", "0.125")]
    [InlineData("1.00", "2", "0.50")]
    [InlineData("12", "12", "1")]
    [InlineData("1000", "10", "100")]
    [InlineData("1E+3", "10", "1E+2")]
    [InlineData("-7", "2", "-3.5")]
    [InlineData("0", "5", "0")]
    [InlineData("0.00", "1", "0.00")]
    [InlineData("1", "0", "Infinity")]
    [InlineData("-1", "0", "-Infinity")]
    [InlineData("0", "0", "NaN")]
    [InlineData("Infinity", "Infinity", "NaN")]
    [InlineData("Infinity", "-2", "-Infinity")]
    [InlineData("5", "Infinity", "0E-6176")]
    [InlineData("1E+6144", "1E-10", "Infinity")]
    [InlineData("1E-6176", "1E+10", "0E-6176")]
    public void Divide_table(string a, string b, string expected) => Assert.Equal(expected, (D(a) / D(b)).ToString());

    [Theory]
    [InlineData("10", "3", "1")]
    [InlineData("-10", "3", "-1")]
    [InlineData("10", "-3", "1")]
    [InlineData("5.5", "2", "1.5")]
    [InlineData("5", "10.00", "5.00")]
    [InlineData("5", "100", "5")]
    [InlineData("1E+100", "7", "4")]
    [InlineData("-0", "1", "-0")]
    [InlineData("1", "0", "NaN")]
    [InlineData("Infinity", "1", "NaN")]
    [InlineData("3", "Infinity", "3")]
    public void Remainder_table(string a, string b, string expected) => Assert.Equal(expected, (D(a) % D(b)).ToString());

    [Theory]
    [InlineData("2.5", 0, "2")]
    [InlineData("3.5", 0, "4")]
    [InlineData("-2.5", 0, "-2")]
    [InlineData("1.2345", 2, "1.23")]
    [InlineData("1.235", 2, "1.24")]
    [InlineData("1.245", 2, "1.24")]
    [InlineData("1234", -2, "1.2E+3")]
    [InlineData("1250", -2, "1.2E+3")]
    [InlineData("0.4", 0, "0")]
    [InlineData("-0.4", 0, "-0")]
    [InlineData("1.5", 3, "1.5")]
    [InlineData("9.99", 1, "10.0")]
    [InlineData("1E-6176", 5, "0.00000")]
    [InlineData("NaN", 2, "NaN")]
    public void Round_table(string value, int places, string expected) => Assert.Equal(expected, D(value).Round(places).ToString());

    [Theory]
    [InlineData("2.7", 0, "2")]
    [InlineData("-2.7", 0, "-2")]
    [InlineData("1.239", 2, "1.23")]
    [InlineData("1299", -2, "1.2E+3")]
    [InlineData("5", 2, "5")]
    public void Truncate_table(string value, int places, string expected) => Assert.Equal(expected, D(value).Truncate(places).ToString());

    [Fact]
    public void Negate_and_Abs()
    {
        Assert.Equal("-1.5", (-D("1.5")).ToString());
        Assert.Equal("0", Decimal128.Negate(D("-0")).ToString());
        Assert.Equal("1.5", Decimal128.Abs(D("-1.5")).ToString());
        Assert.Equal("Infinity", Decimal128.Abs(Decimal128.NegativeInfinity).ToString());
    }

    [Theory]
    [InlineData("NaN", "NaN", 0)]
    [InlineData("NaN", "-Infinity", -1)]
    [InlineData("-Infinity", "-9.999999999999999999999999999999999E+6144", -1)]
    [InlineData("9.999999999999999999999999999999999E+6144", "Infinity", -1)]
    [InlineData("Infinity", "Infinity", 0)]
    [InlineData("-0", "0", 0)]
    [InlineData("0E+10", "0E-10", 0)]
    [InlineData("1.0", "1.00", 0)]
    [InlineData("1E+1", "10", 0)]
    [InlineData("0.1", "1", -1)]
    [InlineData("-1", "-0.5", -1)]
    [InlineData("9.999E+3", "1E+4", -1)]
    [InlineData("123", "122.99999", 1)]
    [InlineData("-123", "-122.99999", -1)]
    [InlineData("1E-6176", "0", 1)]
    [InlineData("-1E-6176", "0", -1)]
    [InlineData("1234567890123456789012345678901234", "1.234567890123456789012345678901235E+33", -1)]
    public void CompareTo_table(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(D(a).CompareTo(D(b))));
        Assert.Equal(-expected, Math.Sign(D(b).CompareTo(D(a))));
        Assert.Equal(expected == 0, D(a).ValueEquals(D(b)));
    }

    [Fact]
    public void Equality_is_bitwise_but_value_equality_is_numeric()
    {
        Assert.NotEqual(D("1.0"), D("1.00"));
        Assert.True(D("1.0") != D("1.00"));
        Assert.True(D("1.0").ValueEquals(D("1.00")));
        Assert.True(D("1.0") <= D("1.00") && D("1.0") >= D("1.00"));
        Assert.Equal(D("1.0").GetHashCode(), D("1.0").GetHashCode());
    }

    public static TheoryData<string, double, int> DoubleComparisons() => new()
    {
        { "0.1", 0.1, -1 },
        { "0.1000000000000000055511151231257827", 0.1, -1 },
        { "0.1000000000000000055511151231257828", 0.1, 1 },
        { "0.125", 0.125, 0 },
        { "0.5", 0.5, 0 },
        { "1.00", 1.0, 0 },
        { "-0", 0.0, 0 },
        { "0", -0.0, 0 },
        { "1E+400", double.MaxValue, 1 },
        { "-1E+400", double.MinValue, -1 },
        { "1E-400", double.Epsilon, -1 },
        { "1E-400", 0.0, 1 },
        { "4.9406564584124654E-324", double.Epsilon, -1 },
        { "4.9406564584124655E-324", double.Epsilon, 1 },
        { "9007199254740993", 9007199254740992.0, 1 },
        { "-9007199254740993", -9007199254740992.0, -1 },
        { "NaN", double.NaN, 0 },
        { "NaN", double.NegativeInfinity, -1 },
        { "1", double.NaN, 1 },
        { "Infinity", double.PositiveInfinity, 0 },
        { "-Infinity", double.NegativeInfinity, 0 },
        { "9.999999999999999999999999999999999E+6144", double.PositiveInfinity, -1 },
        { "-Infinity", -1e308, -1 },
        { "-1", 1.0, -1 },
    };

    [Theory]
    [MemberData(nameof(DoubleComparisons))]
    public void CompareExact_with_double(string value, double other, int expected) =>
        Assert.Equal(expected, Math.Sign(Decimal128.CompareExact(D(value), other)));

    [Theory]
    [InlineData("9223372036854775807", long.MaxValue, 0)]
    [InlineData("9223372036854775807.5", long.MaxValue, 1)]
    [InlineData("1E+19", long.MaxValue, 1)]
    [InlineData("-1E+19", long.MinValue, -1)]
    [InlineData("-9223372036854775808.0", long.MinValue, 0)]
    [InlineData("NaN", long.MinValue, -1)]
    [InlineData("2.5", 2L, 1)]
    public void CompareExact_with_long(string value, long other, int expected) =>
        Assert.Equal(expected, Math.Sign(Decimal128.CompareExact(D(value), other)));

    [Fact]
    public void Hash_by_value_matches_double_hash_when_exact()
    {
        int one = 1.0.GetHashCode();
        Assert.Equal(one, D("1").GetHashCodeByValue());
        Assert.Equal(one, D("1.0").GetHashCodeByValue());
        Assert.Equal(one, D("1.000000000000000000000000000000000").GetHashCodeByValue());
        Assert.Equal(one, D("0.1E+1").GetHashCodeByValue());
        Assert.Equal(0.0.GetHashCode(), D("-0").GetHashCodeByValue());
        Assert.Equal(0.0.GetHashCode(), D("0E+5000").GetHashCodeByValue());
        Assert.Equal(double.NaN.GetHashCode(), Decimal128.NaN.GetHashCodeByValue());
        Assert.Equal(double.PositiveInfinity.GetHashCode(), Decimal128.PositiveInfinity.GetHashCodeByValue());
        Assert.Equal((-2.5).GetHashCode(), D("-2.50").GetHashCodeByValue());
        Assert.Equal(D("0.1").GetHashCodeByValue(), D("0.100").GetHashCodeByValue());
        Assert.Equal(D("1E+400").GetHashCodeByValue(), D("10E+399").GetHashCodeByValue());
    }

    [Fact]
    public void Integer_and_decimal_conversions_are_exact()
    {
        Assert.Equal("0", ((Decimal128)0).ToString());
        Assert.Equal("-42", ((Decimal128)(-42)).ToString());
        Assert.Equal("-9223372036854775808", ((Decimal128)long.MinValue).ToString());
        Assert.Equal("9223372036854775807", ((Decimal128)long.MaxValue).ToString());
        Assert.Equal("1.50", ((Decimal128)1.50m).ToString());
        Assert.Equal("-0.001", ((Decimal128)(-0.001m)).ToString());
        Assert.Equal("79228162514264337593543950335", ((Decimal128)decimal.MaxValue).ToString());
        Assert.Equal("1E-28", ((Decimal128)new decimal(1, 0, 0, false, 28)).ToString());
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1e20, "1E+20")]
    [InlineData(1e-5, "0.00001")]
    [InlineData(-0.0, "-0")]
    [InlineData(123.456, "123.456")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    [InlineData(double.Epsilon, "5E-324")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void From_double_uses_shortest_round_trip_string(double value, string expected) =>
        Assert.Equal(expected, ((Decimal128)value).ToString());

    [Fact]
    public void Double_round_trips_through_decimal()
    {
        var random = new Random(12345);
        for (int i = 0; i < 20_000; i++)
        {
            double d = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(d))
            {
                continue;
            }

            var dec = (Decimal128)d;
            Assert.Equal(d, dec.ToDouble());
        }
    }

    [Fact]
    public void Hash_by_value_of_exact_dyadic_values_matches_double()
    {
        var random = new Random(7);
        for (int i = 0; i < 5_000; i++)
        {
            long mantissa = random.NextInt64(-(1L << 20), 1L << 20);
            int shift = random.Next(0, 21);
            double d = mantissa / Math.Pow(2, shift);
            // m / 2^k = m·5^k / 10^k exactly.
            var exact = Decimal128.Parse(((BigInteger)mantissa * BigInteger.Pow(5, shift)).ToString(CultureInfo.InvariantCulture) + "E-" + shift);
            Assert.Equal(0, Decimal128.CompareExact(exact, d));
            Assert.Equal(d.GetHashCode(), exact.GetHashCodeByValue());
            Assert.Equal(d, exact.ToDouble());
        }
    }

    [Theory]
    [InlineData("0.1", 0.1)]
    [InlineData("1E+400", double.PositiveInfinity)]
    [InlineData("-1E+400", double.NegativeInfinity)]
    [InlineData("1E-400", 0.0)]
    [InlineData("123456789012345678901234567890", 1.2345678901234568E+29)]
    [InlineData("0.3333333333333333333333333333333333", 1.0 / 3)]
    [InlineData("2.5E-10", 2.5e-10)]
    [InlineData("NaN", double.NaN)]
    public void ToDouble_is_nearest(string value, double expected) => Assert.Equal(expected, D(value).ToDouble());

    [Fact]
    public void ToDouble_keeps_negative_zero() => Assert.True(double.IsNegative(D("-1E-400").ToDouble()));

    [Theory]
    [InlineData("1.9", 1L)]
    [InlineData("-1.9", -1L)]
    [InlineData("12345E-2", 123L)]
    [InlineData("1E-500", 0L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("-9223372036854775808.9", long.MinValue)]
    [InlineData("1.2E+3", 1200L)]
    public void ToInt64_truncates(string value, long expected) => Assert.Equal(expected, D(value).ToInt64());

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("1E+19")]
    [InlineData("1E+6000")]
    [InlineData("NaN")]
    [InlineData("-Infinity")]
    public void ToInt64_overflows(string value) => Assert.Throws<OverflowException>(() => D(value).ToInt64());

    [Fact]
    public void ToInt32_truncates_and_checks_range()
    {
        Assert.Equal(int.MinValue, D("-2147483648.7").ToInt32());
        Assert.Equal(7, (int)D("7.99"));
        Assert.Throws<OverflowException>(() => D("2147483648").ToInt32());
    }

    [Fact]
    public void TryToDecimal()
    {
        Assert.True(D("1.50").TryToDecimal(out var d));
        Assert.Equal(1.50m, d);
        Assert.Equal("1.50", d.ToString(CultureInfo.InvariantCulture));
        Assert.True(D("-12345678901234567890.123456789").TryToDecimal(out d));
        Assert.Equal(-12345678901234567890.123456789m, d);
        Assert.True(D("1E-40").TryToDecimal(out d));
        Assert.Equal(0m, d);
        Assert.False(D("1E+30").TryToDecimal(out _));
        Assert.False(Decimal128.NaN.TryToDecimal(out _));
        Assert.False(Decimal128.PositiveInfinity.TryToDecimal(out _));
    }

    [Fact]
    public void Integer_arithmetic_matches_BigInteger()
    {
        var random = new Random(42);
        for (int i = 0; i < 5_000; i++)
        {
            long a = random.NextInt64(long.MinValue, long.MaxValue);
            long b = random.NextInt64(long.MinValue, long.MaxValue);
            var da = (Decimal128)a;
            var db = (Decimal128)b;
            Assert.Equal(((BigInteger)a + b).ToString(CultureInfo.InvariantCulture), (da + db).ToString());
            Assert.Equal(((BigInteger)a - b).ToString(CultureInfo.InvariantCulture), (da - db).ToString());
            Assert.Equal(((BigInteger)(int)a * (int)b).ToString(CultureInfo.InvariantCulture), ((Decimal128)(int)a * (int)b).ToString());
            Assert.Equal((a % b).ToString(CultureInfo.InvariantCulture), (da % db).ToString());
            Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(da.CompareTo(db)));
            Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(Decimal128.CompareExact(da, b)));
            // a / b * b recovers a within rounding: check the quotient against BigInteger truncation.
            Assert.Equal((BigInteger)a / b, (BigInteger)(da / db).ToInt64());
        }
    }
}
