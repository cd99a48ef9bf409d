using Outpost.Bson;

namespace Shopfloor.Server;

/// <summary>
/// One department's photos of one UTC day, pre-aggregated: the sums and counts every dashboard facet needs (daily,
/// department, project, quality and sync figures, summary), so the dashboard adds up at most one document per
/// department and day instead of reading every photo. Sums are kept raw (not averages) so buckets add up exactly.
/// </summary>
internal sealed class DailyRollup
{
    /// <summary>The fields of a photo a rollup reads (a find projection).</summary>
    public static readonly BsonDocument PhotoProjection = new()
    {
        { "_id", 0 }, { "departmentId", 1 }, { "projectId", 1 }, { "capturedAt", 1 }, { "fileSize", 1 }, { "syncStatus", 1 },
        { "syncAttempts", 1 }, { "metadata.qualityRating", 1 }, { "metadata.defectsFound", 1 },
    };

    private readonly Dictionary<BsonValue, (long N, BsonValue Latest, long Defects)> _projects = new(BsonComparer.Instance);
    private readonly Dictionary<BsonValue, (long N, long Defects)> _quality = new(BsonComparer.Instance);
    private readonly Dictionary<BsonValue, (long N, double AttemptsSum, long AttemptsN)> _sync = new(BsonComparer.Instance);

    public DailyRollup(BsonValue departmentId, DateTime day)
    {
        DepartmentId = departmentId;
        Day = day;
    }

    public BsonValue DepartmentId { get; }
    public DateTime Day { get; }
    public long Count { get; private set; }
    public double SizeSum { get; private set; }
    public long SizeN { get; private set; }
    public double QualitySum { get; private set; }
    public long QualityN { get; private set; }
    public long Synced { get; private set; }
    public long Defects { get; private set; }
    public BsonValue? First { get; private set; }
    public BsonValue? Last { get; private set; }

    /// <summary>The bucket id of a photo: department and UTC day of capturedAt; false when it has no date.</summary>
    public static bool TryKey(BsonDocument photo, out BsonValue departmentId, out DateTime day)
    {
        departmentId = photo.TryGetValue("departmentId", out var d) ? d : BsonNull.Value;
        day = default;
        if (!photo.TryGetValue("capturedAt", out var c) || c is not BsonDateTime captured || !captured.IsInDateTimeRange) return false;
        day = captured.ToDateTimeOffset().UtcDateTime.Date;
        return true;
    }

    /// <summary>The stored _id of a bucket.</summary>
    public static string Id(BsonValue departmentId, DateTime day) =>
        $"{(departmentId is BsonString s ? s.Value : departmentId.ToString())}|{day:yyyy-MM-dd}";

    /// <summary>Adds one photo (projected with <see cref="PhotoProjection"/>).</summary>
    public void Add(BsonDocument photo)
    {
        Count++;
        var metadata = photo.TryGetValue("metadata", out var m) ? m as BsonDocument : null;
        if (photo.TryGetValue("fileSize", out var size) && size.IsNumeric)
        {
            SizeSum += size.ToDouble();
            SizeN++;
        }
        var quality = metadata is not null && metadata.TryGetValue("qualityRating", out var q) ? q : BsonNull.Value;
        if (quality.IsNumeric)
        {
            QualitySum += quality.ToDouble();
            QualityN++;
        }
        long defects = metadata is not null && metadata.TryGetValue("defectsFound", out var df) && df is BsonArray list ? list.Count : 0;
        Defects += defects;
        var status = photo.TryGetValue("syncStatus", out var st) ? st : BsonNull.Value;
        if (status is BsonString { Value: "synced" }) Synced++;
        var captured = photo["capturedAt"];
        if (First is null || BsonComparer.Instance.Compare(captured, First) < 0) First = captured;
        if (Last is null || BsonComparer.Instance.Compare(captured, Last) > 0) Last = captured;

        var project = photo.TryGetValue("projectId", out var p) ? p : BsonNull.Value;
        _projects[project] = _projects.TryGetValue(project, out var pr)
            ? (pr.N + 1, BsonComparer.Instance.Compare(captured, pr.Latest) > 0 ? captured : pr.Latest, pr.Defects + defects)
            : (1, captured, defects);
        _quality[quality] = _quality.TryGetValue(quality, out var qr) ? (qr.N + 1, qr.Defects + defects) : (1, defects);
        bool hasAttempts = photo.TryGetValue("syncAttempts", out var attempts) && attempts.IsNumeric;
        double a = hasAttempts ? attempts!.ToDouble() : 0;
        _sync[status] = _sync.TryGetValue(status, out var sr)
            ? (sr.N + 1, sr.AttemptsSum + a, sr.AttemptsN + (hasAttempts ? 1 : 0))
            : (1, a, hasAttempts ? 1 : 0);
    }

    /// <summary>The stored document.</summary>
    public BsonDocument ToDocument()
    {
        var projects = new BsonArray();
        foreach (var (k, v) in _projects) projects.Add(new BsonDocument { { "k", k }, { "n", v.N }, { "latest", v.Latest }, { "defects", v.Defects } });
        var quality = new BsonArray();
        foreach (var (k, v) in _quality) quality.Add(new BsonDocument { { "k", k }, { "n", v.N }, { "defects", v.Defects } });
        var sync = new BsonArray();
        foreach (var (k, v) in _sync) sync.Add(new BsonDocument { { "k", k }, { "n", v.N }, { "attemptsSum", v.AttemptsSum }, { "attemptsN", v.AttemptsN } });
        return new BsonDocument
        {
            { "_id", Id(DepartmentId, Day) }, { "departmentId", DepartmentId }, { "day", Day }, { "n", Count },
            { "sizeSum", SizeSum }, { "sizeN", SizeN }, { "qualitySum", QualitySum }, { "qualityN", QualityN },
            { "synced", Synced }, { "defects", Defects }, { "first", First ?? BsonNull.Value }, { "last", Last ?? BsonNull.Value },
            { "projects", projects }, { "quality", quality }, { "sync", sync },
        };
    }
}
