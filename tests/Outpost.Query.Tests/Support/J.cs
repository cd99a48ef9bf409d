using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Query.Tests.Support;

/// <summary>
/// Test-table shorthand for mongosh-syntax literals ({ a: 1, 'b': [1.5, "x"], c: NumberLong(2), r: /x/i }), read by
/// the product's own parser (<see cref="BsonJson.ParseValue"/>): int32 when a number fits, int64 when larger, double
/// with '.' or an exponent.
/// </summary>
public static class J
{
    public static BsonDocument Doc(string json) => BsonJson.Parse(json);

    public static BsonValue Value(string json) => BsonJson.ParseValue(json);
}
