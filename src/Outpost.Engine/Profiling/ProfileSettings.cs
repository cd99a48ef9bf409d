using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>A database's profiler settings (the <c>profile</c> command): level 0 off, 1 slow operations, 2 all.</summary>
/// <param name="Level">0, 1 or 2.</param>
/// <param name="SlowMs">Level 1 records operations taking at least this many milliseconds (MongoDB default 100).</param>
/// <param name="SampleRate">Fraction of slow operations recorded at level 1 (0.0–1.0).</param>
/// <param name="Filter">Optional filter on the profile entry deciding what is recorded (replaces slowms/sampleRate).</param>
public sealed record ProfileSettings(int Level, int SlowMs, double SampleRate, BsonDocument? Filter)
{
    /// <summary>MongoDB's defaults: off, 100 ms, every slow operation.</summary>
    public static ProfileSettings Default { get; } = new(0, 100, 1.0, null);
}
