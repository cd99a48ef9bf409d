using System.Globalization;
using System.Text;

namespace Outpost.Bson;

/// <summary>A BSON 32-bit signed integer.</summary>
public sealed class BsonInt32(int value) : BsonValue
{
    // Small values are shared: they are immutable and very common (counters, flags, array sizes).
    private static readonly BsonInt32[] Cache = CreateCache();

    public int Value { get; } = value;
    public override BsonType Type => BsonType.Int32;

    /// <summary>Returns a cached instance for small values, a new one otherwise.</summary>
    public static BsonInt32 Create(int value) => (uint)(value + 1) < (uint)Cache.Length ? Cache[value + 1] : new BsonInt32(value);

    internal override void AppendTo(StringBuilder builder) => builder.Append(Value.ToString(CultureInfo.InvariantCulture));

    private static BsonInt32[] CreateCache()
    {
        var cache = new BsonInt32[130];
        for (int i = 0; i < cache.Length; i++)
        {
            cache[i] = new BsonInt32(i - 1);
        }

        return cache;
    }
}
