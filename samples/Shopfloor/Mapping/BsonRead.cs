using Outpost.Bson;

namespace Shopfloor.Mapping;

/// <summary>Typed reads from a document that has passed validation; a wrong shape still fails loudly.</summary>
internal static class BsonRead
{
    public static string String(BsonDocument d, string name) => d[name].AsString;

    public static string? OptionalString(BsonDocument d, string name) => d.TryGetValue(name, out var v) ? v.AsString : null;

    public static DateTime Date(BsonDocument d, string name) => d[name].AsDateTime.ToDateTime();

    public static DateTime? OptionalDate(BsonDocument d, string name) => d.TryGetValue(name, out var v) ? v.AsDateTime.ToDateTime() : null;

    public static int Int(BsonDocument d, string name, int fallback) => d.TryGetValue(name, out var v) ? checked((int)v.ToInt64()) : fallback;

    public static int? OptionalInt(BsonDocument d, string name) => d.TryGetValue(name, out var v) ? checked((int)v.ToInt64()) : null;

    public static double Double(BsonDocument d, string name) => d[name].ToDouble();

    public static double? OptionalDouble(BsonDocument d, string name) => d.TryGetValue(name, out var v) ? v.ToDouble() : null;

    public static bool Bool(BsonDocument d, string name, bool fallback) => d.TryGetValue(name, out var v) ? v.AsBoolean : fallback;

    public static BsonDocument? OptionalDocument(BsonDocument d, string name) => d.TryGetValue(name, out var v) ? v.AsDocument : null;

    public static List<string> Strings(BsonDocument d, string name)
    {
        var list = new List<string>();
        if (d.TryGetValue(name, out var v))
        {
            foreach (var item in v.AsArray)
            {
                list.Add(item.AsString);
            }
        }
        return list;
    }

    public static BsonArray ToArray(IReadOnlyList<string> values)
    {
        var array = new BsonArray(values.Count);
        foreach (var v in values)
        {
            array.Add(v);
        }
        return array;
    }

    /// <summary>Dates go to BSON as UTC milliseconds; an unspecified kind is taken as UTC (never as local time).</summary>
    public static BsonDateTime ToBson(DateTime value) =>
        new(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value);
}
