using Outpost.Sync.Clock;

namespace Outpost.Sync.Tests.Clock;

public class HybridLogicalClockTests
{
    [Fact]
    public void Readings_increase_even_when_the_wall_clock_stands_still_or_goes_back()
    {
        long wall = 1_000;
        var clock = new HybridLogicalClock("a", () => wall);
        var first = clock.Now();
        var second = clock.Now();
        wall = 900; // the device's clock was set back
        var third = clock.Now();
        Assert.True(first < second && second < third);
        Assert.Equal(1_000, third.WallMilliseconds);
        Assert.Equal(2, third.Counter);
    }

    [Fact]
    public void After_observing_a_remote_reading_local_readings_are_greater_than_it()
    {
        long wall = 1_000;
        var slow = new HybridLogicalClock("slow", () => wall);
        var remote = new HlcTimestamp(5_000, 7); // a device whose clock runs 4 s ahead
        Assert.True(slow.Observe(remote));
        var next = slow.Now();
        Assert.True(next > remote);
        Assert.Equal(5_000, next.WallMilliseconds);
    }

    [Fact]
    public void Readings_catch_up_with_physical_time_once_it_passes_the_observed_ones()
    {
        long wall = 1_000;
        var clock = new HybridLogicalClock("a", () => wall);
        clock.Observe(new HlcTimestamp(2_000, 3));
        wall = 3_000;
        Assert.Equal(new HlcTimestamp(3_000, 0), clock.Now());
    }

    [Fact]
    public void A_reading_too_far_in_the_future_is_refused_and_changes_nothing()
    {
        long wall = 1_000;
        var clock = new HybridLogicalClock("a", () => wall, TimeSpan.FromMinutes(1));
        var before = clock.Now();
        Assert.False(clock.Observe(new HlcTimestamp(1_000 + 61_000, 0)));
        Assert.Equal(before, clock.Last);
    }

    [Fact]
    public void Counter_overflow_moves_to_the_next_millisecond()
    {
        var clock = new HybridLogicalClock("a", () => 10);
        clock.Observe(new HlcTimestamp(10, HlcTimestamp.MaxCounter));
        var next = clock.Now();
        Assert.True(next > new HlcTimestamp(10, HlcTimestamp.MaxCounter));
    }

    [Fact]
    public void Stamps_break_ties_by_node_id()
    {
        var t = new HlcTimestamp(1, 0);
        Assert.True(new FieldStamp(t, "device-a") < new FieldStamp(t, "device-b"));
        Assert.True(new FieldStamp(new HlcTimestamp(2, 0), "a") > new FieldStamp(t, "z"));
    }

    [Fact]
    public void Concurrent_readers_never_get_the_same_reading()
    {
        var clock = new HybridLogicalClock("a");
        var seen = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 20_000, _ => seen.Add(clock.Now().Value));
        Assert.Equal(20_000, seen.Distinct().Count());
    }
}
