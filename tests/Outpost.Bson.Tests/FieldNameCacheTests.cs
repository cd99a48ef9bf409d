using System.Text;
using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

/// <summary>The decoder's shared name cache must be invisible: every name decodes to exactly its text.</summary>
public class FieldNameCacheTests
{
    [Fact]
    public void Cache_returns_the_same_string_for_repeated_ascii_names()
    {
        var cache = new FieldNameCache();
        string first = cache.GetOrAdd("departmentId"u8)!;
        string second = cache.GetOrAdd("departmentId"u8)!;
        Assert.Equal("departmentId", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Cache_declines_non_ascii_and_long_names()
    {
        var cache = new FieldNameCache();
        Assert.Null(cache.GetOrAdd(Encoding.UTF8.GetBytes("größe")));
        Assert.Null(cache.GetOrAdd(Encoding.UTF8.GetBytes(new string('n', FieldNameCache.MaxCachedLength + 1))));
        Assert.Equal("", cache.GetOrAdd(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Many_distinct_names_decode_exactly_even_when_slots_collide()
    {
        // 5,000 names over 1,024 slots force collisions and replacements; each must still decode to its own text.
        var names = new List<string>();
        for (int i = 0; i < 5000; i++)
        {
            names.Add(i % 7 == 0 ? "größe" + i : i % 11 == 0 ? new string('k', 40) + i : "field" + i);
        }

        for (int round = 0; round < 2; round++)
        {
            var document = new BsonDocument();
            foreach (var name in names)
            {
                document.Add(name, name.Length);
            }

            var decoded = BsonSerializer.Deserialize(BsonSerializer.Serialize(document));
            Assert.Equal(names, decoded.Names.ToList());
        }
    }

    [Fact]
    public void Names_of_the_same_length_and_ends_are_not_confused()
    {
        // Same length, same first and last eight bytes: same slot, different names.
        var document = new BsonDocument
        {
            { "abcdefgh_one_ijklmnop", 1 },
            { "abcdefgh_two_ijklmnop", 2 },
            { "abcdefgh_one_ijklmnop", 3 },
        };
        var decoded = BsonSerializer.Deserialize(BsonSerializer.Serialize(document));
        Assert.Equal(["abcdefgh_one_ijklmnop", "abcdefgh_two_ijklmnop", "abcdefgh_one_ijklmnop"], decoded.Names.ToList());
        Assert.Equal(2, decoded["abcdefgh_two_ijklmnop"].AsInt32);
    }
}
