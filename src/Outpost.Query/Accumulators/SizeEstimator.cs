using Outpost.Bson;

namespace Outpost.Query.Accumulators;

/// <summary>A cheap estimate of a value's in-memory size, for memory limits (not exact; stable and monotonic).</summary>
internal static class SizeEstimator
{
    public static long Of(BsonValue v)
    {
        switch (v)
        {
            case BsonString s:
                return 32 + 2L * s.Value.Length;
            case BsonDocument d:
                long total = 48;
                foreach (var e in d)
                {
                    total += 32 + 2L * e.Name.Length + Of(e.Value);
                }

                return total;
            case BsonArray a:
                long sum = 40;
                foreach (var e in a)
                {
                    sum += 8 + Of(e);
                }

                return sum;
            case BsonBinary b:
                return 40 + b.Data.Length;
            default:
                return 24;
        }
    }
}
