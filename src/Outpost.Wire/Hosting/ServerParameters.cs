using System.Collections.Concurrent;
using Outpost.Bson;

namespace Outpost.Wire.Hosting;

/// <summary>The server parameters getParameter reports and setParameter may change (a documented subset of mongod's).</summary>
public sealed class ServerParameters
{
    private readonly ConcurrentDictionary<string, BsonValue> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _settable = new(StringComparer.Ordinal)
    {
        "logLevel", "notablescan", "cursorTimeoutMillis", "transactionLifetimeLimitSeconds",
        "maxTransactionLockRequestTimeoutMillis", "requireApiVersion", "quiet", "internalQueryMaxBlockingSortMemoryUsageBytes",
    };

    /// <summary>Creates the parameters with their defaults.</summary>
    public ServerParameters(WireHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _values["featureCompatibilityVersion"] = new BsonDocument("version", "7.0");
        _values["requireApiVersion"] = false;
        _values["authenticationMechanisms"] = new BsonArray { "SCRAM-SHA-1", "SCRAM-SHA-256" };
        _values["enableTestCommands"] = options.EnableTestCommands;
        _values["transactionLifetimeLimitSeconds"] = 60;
        _values["maxTransactionLockRequestTimeoutMillis"] = 5;
        _values["cursorTimeoutMillis"] = (long)options.CursorTimeout.TotalMilliseconds;
        _values["logLevel"] = 0;
        _values["notablescan"] = false;
        _values["quiet"] = false;
        _values["internalQueryMaxBlockingSortMemoryUsageBytes"] = 100L * 1024 * 1024;
        _values["maxBSONDepth"] = 100;
        _values["changeStreamOptions"] = new BsonDocument("preAndPostImages", new BsonDocument("expireAfterSeconds", "off"));
    }

    /// <summary>All parameters, sorted by name.</summary>
    public IEnumerable<KeyValuePair<string, BsonValue>> All => _values.OrderBy(kv => kv.Key, StringComparer.Ordinal);

    /// <summary>Looks up a parameter.</summary>
    public bool TryGet(string name, out BsonValue value) => _values.TryGetValue(name, out value!);

    /// <summary>Sets a settable parameter; returns the previous value.</summary>
    /// <exception cref="MongoException">Unknown or read-only parameter.</exception>
    public BsonValue Set(string name, BsonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_values.TryGetValue(name, out var old)) throw new MongoException(ErrorCodes.InvalidOptions, $"attempted to set unrecognized parameter [{name}], use help:true to see options");
        if (!_settable.Contains(name)) throw new MongoException(ErrorCodes.IllegalOperation, $"parameter [{name}] is not settable at runtime");
        _values[name] = value;
        return old;
    }
}
