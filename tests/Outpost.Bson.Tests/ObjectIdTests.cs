using System.Collections.Concurrent;

namespace Outpost.Bson.Tests;

public class ObjectIdTests
{
    [Fact]
    public void Parse_and_ToString_round_trip_in_lowercase()
    {
        var id = ObjectId.Parse("56E1FC72E0C917E9C4714161");
        Assert.Equal("56e1fc72e0c917e9c4714161", id.ToString());
        Assert.Equal(id, new ObjectId(id.ToByteArray()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("56e1fc72e0c917e9c471416")]
    [InlineData("56e1fc72e0c917e9c47141611")]
    [InlineData("56e1fc72e0c917e9c471416g")]
    public void TryParse_rejects_bad_text(string text) => Assert.False(ObjectId.TryParse(text, out _));

    [Fact]
    public void Generated_ids_carry_current_time_big_endian()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var id = ObjectId.GenerateNewId();
        Assert.InRange(id.Timestamp, now - 1, now + 2);
        Assert.Equal((byte)(id.Timestamp >> 24), id.ToByteArray()[0]);
        Assert.InRange(id.CreationTime, DateTime.UtcNow.AddSeconds(-5), DateTime.UtcNow.AddSeconds(5));
    }

    [Fact]
    public void Generated_ids_share_process_random_and_increment_counter()
    {
        var a = ObjectId.GenerateNewId(1000).ToByteArray();
        var b = ObjectId.GenerateNewId(1000).ToByteArray();
        Assert.Equal(a.AsSpan(4, 5).ToArray(), b.AsSpan(4, 5).ToArray());
        int ca = (a[9] << 16) | (a[10] << 8) | a[11];
        int cb = (b[9] << 16) | (b[10] << 8) | b[11];
        Assert.Equal((ca + 1) & 0xFFFFFF, cb);
    }

    [Fact]
    public void Generation_is_unique_across_threads()
    {
        var seen = new ConcurrentDictionary<ObjectId, byte>();
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                Assert.True(seen.TryAdd(ObjectId.GenerateNewId(), 0));
            }
        });
        Assert.Equal(80_000, seen.Count);
    }

    [Fact]
    public void Compares_bytewise()
    {
        Assert.True(ObjectId.Parse("000000000000000000000001") < ObjectId.Parse("000000000000000000000100"));
        Assert.True(ObjectId.Parse("7fffffffffffffffffffffff") < ObjectId.Parse("800000000000000000000000"));
    }
}
