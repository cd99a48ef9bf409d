using System.Collections.Concurrent;
using Outpost.Bson;

namespace Outpost.Wire.Testing;

/// <summary>
/// The failpoints set by <c>configureFailPoint</c> (only with --enable-test-commands):
/// <c>failCommand</c> with every mode and data option MongoDB implements, and <c>maxTimeAlwaysTimeOut</c>.
/// </summary>
public sealed class FailPointRegistry
{
    /// <summary>The failpoint drivers' test suites use to make commands fail on purpose.</summary>
    public const string FailCommand = "failCommand";

    /// <summary>Makes every command with maxTimeMS fail with MaxTimeMSExpired.</summary>
    public const string MaxTimeAlwaysTimeOut = "maxTimeAlwaysTimeOut";

    private readonly ConcurrentDictionary<string, FailPoint> _points = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Random _random = new();

    /// <summary>True when any failpoint is on (a cheap check on the hot path).</summary>
    public bool AnyActive => !_points.IsEmpty;

    /// <summary>Applies a configureFailPoint command; returns how many times the failpoint had been entered before.</summary>
    /// <exception cref="MongoException">Unknown failpoint or malformed mode/data.</exception>
    public long Configure(string name, BsonValue mode, BsonDocument? data)
    {
        ArgumentNullException.ThrowIfNull(mode);
        if (name is not (FailCommand or MaxTimeAlwaysTimeOut))
        {
            throw new MongoException(ErrorCodes.BadValue, $"Unknown fail point: {name}");
        }
        var point = new FailPoint { Data = data ?? [] };
        if (mode.IsString)
        {
            switch (mode.AsString)
            {
                case "off":
                    lock (_lock)
                    {
                        return _points.TryRemove(name, out var old) ? old.Entered : 0;
                    }
                case "alwaysOn":
                    point.Mode = FailPointMode.AlwaysOn;
                    break;
                default:
                    throw new MongoException(ErrorCodes.BadValue, $"unknown fail point mode: {mode.AsString}");
            }
        }
        else if (mode is BsonDocument m && m.ElementCount == 1)
        {
            var element = m.GetElement(0);
            switch (element.Name)
            {
                case "times":
                    point.Mode = FailPointMode.Times;
                    point.Count = element.Value.ToInt64();
                    if (point.Count < 0) throw new MongoException(ErrorCodes.BadValue, "times must be >= 0");
                    break;
                case "skip":
                    point.Mode = FailPointMode.Skip;
                    point.Count = element.Value.ToInt64();
                    if (point.Count < 0) throw new MongoException(ErrorCodes.BadValue, "skip must be >= 0");
                    break;
                case "activationProbability":
                    point.Mode = FailPointMode.Probability;
                    point.Probability = element.Value.ToDouble();
                    if (point.Probability is < 0 or > 1) throw new MongoException(ErrorCodes.BadValue, "activationProbability must be in [0, 1]");
                    break;
                default:
                    throw new MongoException(ErrorCodes.BadValue, $"unknown fail point mode: {element.Name}");
            }
        }
        else
        {
            throw new MongoException(ErrorCodes.TypeMismatch, "'mode' must be a string or a document with one of times/skip/activationProbability");
        }
        if (name == FailCommand && !point.Data.Contains("failCommands"))
        {
            throw new MongoException(ErrorCodes.BadValue, "failCommand fail point requires 'failCommands'");
        }
        lock (_lock)
        {
            long previous = _points.TryGetValue(name, out var old) ? old.Entered : 0;
            if (point.Mode == FailPointMode.Times && point.Count == 0) _points.TryRemove(name, out _);
            else _points[name] = point;
            return previous;
        }
    }

    /// <summary>Turns every failpoint off (between test runs).</summary>
    public void Clear() => _points.Clear();

    /// <summary>
    /// Decides whether <c>failCommand</c> fires for this command; null when it does not.
    /// Matching commands consume the failpoint's times/skip counters.
    /// </summary>
    public FailCommandAction? Evaluate(string commandName, string? appName, string? ns)
    {
        if (!_points.TryGetValue(FailCommand, out var point)) return null;
        var data = point.Data;
        if (!Lists(data, "failCommands", commandName)) return null;
        if (data.TryGetValue("appName", out var app) && app.IsString && app.AsString != appName) return null;
        if (data.TryGetValue("namespace", out var nsValue) && nsValue.IsString && nsValue.AsString != ns) return null;
        if (!Fire(FailCommand, point)) return null;
        int block = 0;
        if (data.TryGetValue("blockConnection", out var bc) && Truthy(bc) && data.TryGetValue("blockTimeMS", out var bt))
        {
            block = (int)bt.ToInt64();
        }
        IReadOnlyList<string>? labels = null;
        if (data.TryGetValue("errorLabels", out var l) && l.IsArray)
        {
            var list = new List<string>(l.AsArray.Count);
            foreach (var v in l.AsArray) list.Add(v.AsString);
            labels = list;
        }
        return new FailCommandAction
        {
            BlockTimeMS = block,
            CloseConnection = data.TryGetValue("closeConnection", out var cc) && Truthy(cc),
            ErrorCode = data.TryGetValue("errorCode", out var code) && code.IsNumeric ? (int)code.ToInt64() : null,
            ErrorLabels = labels,
            WriteConcernError = data.TryGetValue("writeConcernError", out var wce) && wce.IsDocument ? wce.AsDocument : null,
            ErrorExtraInfo = data.TryGetValue("errorExtraInfo", out var extra) && extra.IsDocument ? extra.AsDocument : null,
        };
    }

    /// <summary>True when maxTimeAlwaysTimeOut is on (and consumes one activation).</summary>
    public bool MaxTimeAlwaysTimesOut() => _points.TryGetValue(MaxTimeAlwaysTimeOut, out var point) && Fire(MaxTimeAlwaysTimeOut, point);

    private bool Fire(string name, FailPoint point)
    {
        lock (_lock)
        {
            switch (point.Mode)
            {
                case FailPointMode.Times:
                    if (point.Count <= 0) return false;
                    point.Count--;
                    point.Entered++;
                    if (point.Count == 0) _points.TryRemove(new KeyValuePair<string, FailPoint>(name, point));
                    return true;
                case FailPointMode.Skip:
                    if (point.Count > 0)
                    {
                        point.Count--;
                        return false;
                    }
                    point.Entered++;
                    return true;
                case FailPointMode.Probability:
                    if (_random.NextDouble() >= point.Probability) return false;
                    point.Entered++;
                    return true;
                default:
                    point.Entered++;
                    return true;
            }
        }
    }

    private static bool Lists(BsonDocument data, string field, string name)
    {
        if (!data.TryGetValue(field, out var value) || !value.IsArray) return false;
        foreach (var v in value.AsArray)
        {
            if (v.IsString && v.AsString == name) return true;
        }
        return false;
    }

    private static bool Truthy(BsonValue value) => value.IsBoolean ? value.AsBoolean : value.IsNumeric && value.ToDouble() != 0;

    private enum FailPointMode
    {
        AlwaysOn,
        Times,
        Skip,
        Probability,
    }

    private sealed class FailPoint
    {
        public FailPointMode Mode;
        public long Count;
        public double Probability;
        public long Entered;
        public BsonDocument Data = [];
    }
}
