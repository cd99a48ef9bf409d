using Outpost.Bson;

namespace Outpost.Engine.Tests;

/// <summary>Small builders so tests read like MongoDB shell code.</summary>
internal static class Json
{
    public static BsonDocument Doc(params (string Name, BsonValue Value)[] elements)
    {
        var doc = new BsonDocument();
        foreach (var (name, value) in elements) doc.Add(name, value);
        return doc;
    }

    public static BsonValue At(this BsonValue value, string name) => value.AsDocument[name];

    public static BsonArray Arr(params BsonValue[] values) => new(values);

    public static async Task<List<BsonDocument>> FindAllAsync(this Collection collection, BsonDocument? filter = null, BsonDocument? sort = null, OperationContext? context = null)
    {
        await using var cursor = await collection.FindAsync(new FindOptions { Filter = filter ?? [], Sort = sort }, context, TestContext.Current.CancellationToken);
        return await cursor.ToListAsync(TestContext.Current.CancellationToken);
    }
}
