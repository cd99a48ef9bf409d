using System.Numerics;

namespace Outpost.Bson;

public readonly partial struct Decimal128
{
    /// <summary>a + b, rounded half-even to 34 digits (IEEE 754 decimal128 semantics; overflow gives ±Infinity).</summary>
    public static Decimal128 Add(Decimal128 a, Decimal128 b)
    {
        if (a.IsNaN || b.IsNaN)
        {
            return NaN;
        }

        if (a.IsInfinity || b.IsInfinity)
        {
            if (a.IsInfinity && b.IsInfinity && a.IsNegative != b.IsNegative)
            {
                return NaN;
            }

            return a.IsInfinity ? a : b;
        }

        a.TryGetFinite(out bool na, out var ca, out int qa);
        b.TryGetFinite(out bool nb, out var cb, out int qb);
        if (qa < qb)
        {
            (na, ca, qa, nb, cb, qb) = (nb, cb, qb, na, ca, qa);
        }

        // Now qa >= qb. A huge exponent gap would need a huge power of ten; when b is far below a's last kept
        // digit it only acts as a sticky bit, so a stand-in of the same sign at a closer exponent rounds identically.
        if (qa - qb > 80)
        {
            if (cb == UInt128.Zero)
            {
                qb = qa - MaxDigits;
            }
            else if (ca != UInt128.Zero)
            {
                int adjA = qa + DigitCount(ca) - 1;
                int adjB = qb + DigitCount(cb) - 1;
                if (adjB < adjA - 36 && adjA - 36 >= MinExponent)
                {
                    cb = UInt128.One;
                    qb = adjA - 36;
                }
            }
        }

        BigInteger x = ca == UInt128.Zero ? BigInteger.Zero : (BigInteger)ca * BigInteger.Pow(10, qa - qb);
        BigInteger y = cb;
        BigInteger sum = (na ? -x : x) + (nb ? -y : y);
        bool negative = sum.Sign < 0 || (sum.IsZero && na && nb);
        return Finish(negative, BigInteger.Abs(sum), qb);
    }

    /// <summary>a - b, rounded half-even to 34 digits.</summary>
    public static Decimal128 Subtract(Decimal128 a, Decimal128 b) => Add(a, Negate(b));

    /// <summary>a × b, rounded half-even to 34 digits.</summary>
    public static Decimal128 Multiply(Decimal128 a, Decimal128 b)
    {
        if (a.IsNaN || b.IsNaN)
        {
            return NaN;
        }

        bool negative = a.IsNegative != b.IsNegative;
        if (a.IsInfinity || b.IsInfinity)
        {
            if (a.IsZero || b.IsZero)
            {
                return NaN;
            }

            return negative ? NegativeInfinity : PositiveInfinity;
        }

        a.TryGetFinite(out _, out var ca, out int qa);
        b.TryGetFinite(out _, out var cb, out int qb);
        return Finish(negative, (BigInteger)ca * cb, (long)qa + qb);
    }

    /// <summary>
    /// a ÷ b, rounded half-even to 34 digits; an exact quotient takes the exponent closest to qa - qb (IEEE ideal
    /// exponent), so 10 / 4 = 2.5. x / 0 is ±Infinity, 0 / 0 and ∞ / ∞ are NaN.
    /// </summary>
    public static Decimal128 Divide(Decimal128 a, Decimal128 b)
    {
        if (a.IsNaN || b.IsNaN)
        {
            return NaN;
        }

        bool negative = a.IsNegative != b.IsNegative;
        if (a.IsInfinity)
        {
            return b.IsInfinity ? NaN : negative ? NegativeInfinity : PositiveInfinity;
        }

        if (b.IsInfinity)
        {
            return FromParts(negative, UInt128.Zero, MinExponent);
        }

        a.TryGetFinite(out _, out var ca, out int qa);
        b.TryGetFinite(out _, out var cb, out int qb);
        long ideal = (long)qa - qb;
        if (cb == UInt128.Zero)
        {
            return ca == UInt128.Zero ? NaN : negative ? NegativeInfinity : PositiveInfinity;
        }

        if (ca == UInt128.Zero)
        {
            return Finish(negative, BigInteger.Zero, ideal);
        }

        // Scale the dividend so the quotient has at least 36 digits: enough to round to 34 with a sticky digit.
        int k = 36 + DigitCount(cb) - DigitCount(ca);
        BigInteger quotient = BigInteger.DivRem((BigInteger)ca * BigInteger.Pow(10, k), cb, out var remainder);
        long exponent = ideal - k;
        if (remainder.IsZero)
        {
            while (exponent < ideal && (quotient % 10).IsZero)
            {
                quotient /= 10;
                exponent++;
            }
        }
        else
        {
            // A non-zero remainder becomes a trailing 1: below any tie, above any exact value.
            quotient = (quotient * 10) + 1;
            exponent--;
        }

        return Finish(negative, quotient, exponent);
    }

    /// <summary>
    /// Truncated remainder a - b·trunc(a / b) (sign of a, as MongoDB's $mod), exact. x % 0 and ∞ % y are NaN; x % ∞ is x.
    /// </summary>
    public static Decimal128 Remainder(Decimal128 a, Decimal128 b)
    {
        if (a.IsNaN || b.IsNaN || a.IsInfinity)
        {
            return NaN;
        }

        if (b.IsInfinity)
        {
            return a;
        }

        a.TryGetFinite(out bool na, out var ca, out int qa);
        b.TryGetFinite(out _, out var cb, out int qb);
        if (cb == UInt128.Zero)
        {
            return NaN;
        }

        int q = Math.Min(qa, qb);
        if (ca == UInt128.Zero)
        {
            return FromParts(na, UInt128.Zero, q);
        }

        int adjA = qa + DigitCount(ca) - 1;
        int adjB = qb + DigitCount(cb) - 1;
        if (adjA < adjB && qa <= qb)
        {
            return a; // |a| < |b|: the remainder is a itself, and its exponent is already the smaller one.
        }

        BigInteger r;
        if (qa >= qb)
        {
            // (ca·10^(qa-qb)) mod cb without materialising the power.
            r = (ca % cb) * BigInteger.ModPow(10, qa - qb, cb) % cb;
        }
        else
        {
            r = (BigInteger)ca % ((BigInteger)cb * BigInteger.Pow(10, qb - qa));
        }

        return FromParts(na, (UInt128)r, q);
    }

    /// <summary>Flips the sign (also of zeros, infinities and NaN).</summary>
    public static Decimal128 Negate(Decimal128 value) => new(value.High ^ SignBit, value.Low);

    /// <summary>Clears the sign.</summary>
    public static Decimal128 Abs(Decimal128 value) => new(value.High & ~SignBit, value.Low);

    /// <summary>
    /// Rounds half-even to <paramref name="places"/> decimal places (negative places round to tens, hundreds…), as
    /// MongoDB's $round does for decimals. The result has exponent -places unless the value already has fewer places.
    /// </summary>
    public Decimal128 Round(int places) => Quantize(places, roundHalfEven: true);

    /// <summary>Truncates toward zero to <paramref name="places"/> decimal places (MongoDB's $trunc).</summary>
    public Decimal128 Truncate(int places) => Quantize(places, roundHalfEven: false);

    public static Decimal128 operator +(Decimal128 a, Decimal128 b) => Add(a, b);
    public static Decimal128 operator -(Decimal128 a, Decimal128 b) => Subtract(a, b);
    public static Decimal128 operator *(Decimal128 a, Decimal128 b) => Multiply(a, b);
    public static Decimal128 operator /(Decimal128 a, Decimal128 b) => Divide(a, b);
    public static Decimal128 operator %(Decimal128 a, Decimal128 b) => Remainder(a, b);
    public static Decimal128 operator -(Decimal128 value) => Negate(value);
    public static Decimal128 operator +(Decimal128 value) => value;

    private Decimal128 Quantize(int places, bool roundHalfEven)
    {
        if (!TryGetFinite(out bool negative, out var c, out int q))
        {
            return this;
        }

        long target = -(long)places;
        if (q >= target)
        {
            return this;
        }

        long drop = target - q;
        int digits = DigitCount(c);
        if (drop > digits)
        {
            return Finish(negative, BigInteger.Zero, target);
        }

        var divisor = Pow10((int)drop);
        var kept = UInt128.DivRem(c, divisor);
        var result = kept.Quotient;
        if (roundHalfEven)
        {
            UInt128 twice = kept.Remainder * 2;
            if (twice > divisor || (twice == divisor && (result & UInt128.One) == UInt128.One))
            {
                result++;
            }
        }

        return Finish(negative, (BigInteger)result, target);
    }

    /// <summary>
    /// Rounds an exact result c·10^exp (c >= 0) half-even into decimal128: at most 34 digits, exponent >= -6176
    /// (gradual underflow), clamping large exponents with trailing zeros, ±Infinity past the largest value.
    /// </summary>
    private static Decimal128 Finish(bool negative, BigInteger c, long exp)
    {
        int digits = DigitCount(c);
        long drop = Math.Max(digits - MaxDigits, MinExponent - exp);
        if (drop > 0 && !c.IsZero)
        {
            if (drop > digits)
            {
                c = BigInteger.Zero;
            }
            else
            {
                var divisor = BigInteger.Pow(10, (int)drop);
                var quotient = BigInteger.DivRem(c, divisor, out var remainder);
                int half = (remainder * 2).CompareTo(divisor);
                if (half > 0 || (half == 0 && !quotient.IsEven))
                {
                    quotient += 1;
                }

                c = quotient;
            }

            exp += drop;
            if (c == (BigInteger)Pow10(MaxDigits))
            {
                c /= 10;
                exp++;
            }
        }

        if (c.IsZero)
        {
            return FromParts(negative, UInt128.Zero, (int)Math.Clamp(exp, MinExponent, MaxExponent));
        }

        if (exp > MaxExponent)
        {
            digits = DigitCount(c);
            while (exp > MaxExponent && digits < MaxDigits)
            {
                c *= 10;
                digits++;
                exp--;
            }

            if (exp > MaxExponent)
            {
                return negative ? NegativeInfinity : PositiveInfinity;
            }
        }

        return FromParts(negative, (UInt128)c, (int)exp);
    }
}
