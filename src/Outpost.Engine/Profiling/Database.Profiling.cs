using Outpost.Bson;

namespace Outpost.Engine;

public sealed partial class Database
{
    /// <summary>The current profiler settings of this database.</summary>
    public ProfileSettings ProfilingSettings => Engine.Profiler.Get(Name);

    /// <summary>
    /// The <c>profile</c> command: <c>{profile: -1|0|1|2, slowms?, sampleRate?, filter?}</c>. Returns MongoDB's reply
    /// <c>{was, slowms, sampleRate, ok: 1}</c> (the settings before the change); level -1 only reads. Enabling creates
    /// <c>system.profile</c> when missing.
    /// </summary>
    public async Task<BsonDocument> ProfileAsync(BsonDocument command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.TryGetValue("profile", out var levelValue) || !levelValue.IsNumeric)
            throw new MongoException(ErrorCodes.TypeMismatch, "BSON field 'profile' is missing or not a number");
        var level = (int)levelValue.ToInt64();
        if (level is < -1 or > 2) throw new MongoException(ErrorCodes.BadValue, $"Invalid profiling level: {level}");
        var current = Engine.Profiler.Get(Name);
        var reply = new BsonDocument { { "was", current.Level }, { "slowms", current.SlowMs }, { "sampleRate", current.SampleRate } };
        if (current.Filter is not null) reply.Add("filter", current.Filter);
        var slowMs = current.SlowMs;
        if (command.TryGetValue("slowms", out var s))
            slowMs = s.IsNumeric ? (int)s.ToInt64() : throw new MongoException(ErrorCodes.TypeMismatch, "slowms must be a number");
        var sampleRate = current.SampleRate;
        if (command.TryGetValue("sampleRate", out var r))
        {
            sampleRate = r.IsNumeric ? r.ToDouble() : throw new MongoException(ErrorCodes.TypeMismatch, "sampleRate must be a number");
            if (sampleRate is < 0 or > 1) throw new MongoException(ErrorCodes.BadValue, "'sampleRate' must be between 0.0 and 1.0 inclusive");
        }

        var filter = current.Filter;
        if (command.TryGetValue("filter", out var f))
            filter = f switch { BsonDocument d => d, BsonString { Value: "unset" } => null, _ => throw new MongoException(ErrorCodes.BadValue, "filter must be an object or \"unset\"") };
        if (level != -1 || command.Contains("slowms") || command.Contains("sampleRate") || command.Contains("filter"))
        {
            var next = new ProfileSettings(level == -1 ? current.Level : level, slowMs, sampleRate, filter);
            if (next.Level > 0 && Engine.Catalog.TryGet(Name, Profiling.Profiler.CollectionName) is null)
                await CreateCollectionAsync(Profiling.Profiler.CollectionName, new CreateCollectionOptions { Capped = true, Size = 1024 * 1024 }, null, cancellationToken).ConfigureAwait(false);
            Engine.Profiler.Set(Name, next);
        }

        reply.Add("ok", 1.0);
        return reply;
    }
}
