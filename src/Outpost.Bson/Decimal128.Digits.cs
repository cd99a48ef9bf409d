using System.Numerics;

namespace Outpost.Bson;

public readonly partial struct Decimal128
{
    /// <summary>10^0 … 10^38, every power of ten a UInt128 holds.</summary>
    private static readonly UInt128[] PowersOfTen = BuildPowersOfTen();

    /// <summary>10^n for 0 &lt;= n &lt;= 38.</summary>
    internal static UInt128 Pow10(int n) => PowersOfTen[n];

    /// <summary>Number of decimal digits of c (1 for zero).</summary>
    internal static int DigitCount(UInt128 c)
    {
        int n = 1;
        while (n < PowersOfTen.Length && c >= PowersOfTen[n])
        {
            n++;
        }

        return n;
    }

    /// <summary>Number of decimal digits of a non-negative BigInteger (1 for zero).</summary>
    internal static int DigitCount(BigInteger c)
    {
        if (c.IsZero)
        {
            return 1;
        }

        // log10(2) estimate from the bit length, then fix up by at most one.
        long bits = (long)c.GetBitLength();
        int estimate = (int)((bits - 1) * 0.30102999566398119521) + 1;
        return c >= BigInteger.Pow(10, estimate) ? estimate + 1 : estimate;
    }

    private static UInt128[] BuildPowersOfTen()
    {
        var table = new UInt128[39];
        table[0] = UInt128.One;
        for (int i = 1; i < table.Length; i++)
        {
            table[i] = table[i - 1] * 10;
        }

        return table;
    }
}
