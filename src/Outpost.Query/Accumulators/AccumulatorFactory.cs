using Outpost.Bson;

namespace Outpost.Query.Accumulators;

/// <summary>Creates parameterless accumulators by name (without the '$').</summary>
internal static class AccumulatorFactory
{
    public static Accumulator Create(string name) => name switch
    {
        "sum" => new SumAccumulator(),
        "avg" => new AvgAccumulator(),
        "min" => new MinMaxAccumulator(-1),
        "max" => new MinMaxAccumulator(1),
        "first" => new FirstLastAccumulator(first: true),
        "last" => new FirstLastAccumulator(first: false),
        "push" => new PushAccumulator(),
        "addToSet" => new AddToSetAccumulator(),
        "mergeObjects" => new MergeObjectsAccumulator(),
        "stdDevPop" => new StdDevAccumulator(sample: false),
        "stdDevSamp" => new StdDevAccumulator(sample: true),
        "count" => new CountAccumulator(),
        _ => throw new MongoException(15952, $"unknown group operator '${name}'"),
    };

    public static bool IsSimple(string name) => name is "sum" or "avg" or "min" or "max" or "first" or "last" or "push" or "addToSet"
        or "mergeObjects" or "stdDevPop" or "stdDevSamp";

    internal static BsonValue Empty => BsonNull.Value;
}
