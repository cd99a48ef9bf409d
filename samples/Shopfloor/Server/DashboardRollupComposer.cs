using System.Globalization;
using Outpost.Bson;

namespace Shopfloor.Server;

/// <summary>
/// Adds daily rollup documents up into the six dashboard facets, in exactly the shapes, types and orders the
/// seed's <c>$facet</c> produces (counts as 32-bit integers while they fit, averages as doubles, the same sorts and
/// limits), so a client cannot tell which path answered. Runs over at most one document per department and day.
/// </summary>
internal static class DashboardRollupComposer
{
    private const double Mb = 1048576;

    public static BsonDocument Compose(List<BsonDocument> buckets)
    {
        var daily = new SortedDictionary<string, (long N, double Size, double QSum, long QN)>(StringComparer.Ordinal);
        var departments = new SortedDictionary<BsonValue, (long N, double Size, long SizeN, long Synced)>(BsonComparer.Instance);
        var projects = new Dictionary<BsonValue, (long N, BsonValue Latest, long Defects)>(BsonComparer.Instance);
        var quality = new SortedDictionary<BsonValue, (long N, long Defects)>(BsonComparer.Instance);
        var sync = new SortedDictionary<BsonValue, (long N, double AttemptsSum, long AttemptsN)>(BsonComparer.Instance);
        long total = 0, defects = 0, qualityN = 0;
        double size = 0, qualitySum = 0;
        BsonValue? first = null, last = null;
        foreach (var b in buckets)
        {
            long n = b["n"].ToInt64();
            double sizeSum = b["sizeSum"].ToDouble(), qSum = b["qualitySum"].ToDouble();
            long qN = b["qualityN"].ToInt64();
            var date = b["day"].AsDateTime.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            daily[date] = daily.TryGetValue(date, out var d) ? (d.N + n, d.Size + sizeSum, d.QSum + qSum, d.QN + qN) : (n, sizeSum, qSum, qN);
            var department = b["departmentId"];
            long sizeN = b["sizeN"].ToInt64(), synced = b["synced"].ToInt64();
            departments[department] = departments.TryGetValue(department, out var dp)
                ? (dp.N + n, dp.Size + sizeSum, dp.SizeN + sizeN, dp.Synced + synced) : (n, sizeSum, sizeN, synced);
            foreach (var p in b["projects"].AsArray)
            {
                var doc = p.AsDocument;
                var key = doc["k"];
                projects[key] = projects.TryGetValue(key, out var pr)
                    ? (pr.N + doc["n"].ToInt64(), BsonComparer.Instance.Compare(doc["latest"], pr.Latest) > 0 ? doc["latest"] : pr.Latest, pr.Defects + doc["defects"].ToInt64())
                    : (doc["n"].ToInt64(), doc["latest"], doc["defects"].ToInt64());
            }
            foreach (var q in b["quality"].AsArray)
            {
                var doc = q.AsDocument;
                var key = doc["k"];
                quality[key] = quality.TryGetValue(key, out var qr) ? (qr.N + doc["n"].ToInt64(), qr.Defects + doc["defects"].ToInt64()) : (doc["n"].ToInt64(), doc["defects"].ToInt64());
            }
            foreach (var s in b["sync"].AsArray)
            {
                var doc = s.AsDocument;
                var key = doc["k"];
                sync[key] = sync.TryGetValue(key, out var sr)
                    ? (sr.N + doc["n"].ToInt64(), sr.AttemptsSum + doc["attemptsSum"].ToDouble(), sr.AttemptsN + doc["attemptsN"].ToInt64())
                    : (doc["n"].ToInt64(), doc["attemptsSum"].ToDouble(), doc["attemptsN"].ToInt64());
            }
            total += n;
            size += sizeSum;
            qualitySum += qSum;
            qualityN += qN;
            defects += b["defects"].ToInt64();
            if (first is null || BsonComparer.Instance.Compare(b["first"], first) < 0) first = b["first"];
            if (last is null || BsonComparer.Instance.Compare(b["last"], last) > 0) last = b["last"];
        }

        var dailyStats = new BsonArray();
        foreach (var (date, d) in daily.Reverse().Take(30))
        {
            dailyStats.Add(new BsonDocument { { "_id", date }, { "photoCount", Count(d.N) }, { "totalSizeMB", d.Size / Mb }, { "avgQuality", Avg(d.QSum, d.QN) } });
        }
        var departmentStats = new BsonArray();
        foreach (var (id, dp) in departments)
        {
            departmentStats.Add(new BsonDocument
            {
                { "_id", id }, { "photoCount", Count(dp.N) }, { "avgFileSize", Avg(dp.Size, dp.SizeN) }, { "syncSuccessRate", Avg(dp.Synced, dp.N) },
            });
        }
        var projectStats = new BsonArray();
        var ranked = projects.ToList();
        ranked.Sort((a, b) => a.Value.N != b.Value.N ? b.Value.N.CompareTo(a.Value.N) : BsonComparer.Instance.Compare(a.Key, b.Key));
        foreach (var (id, pr) in ranked.Take(10))
        {
            projectStats.Add(new BsonDocument { { "_id", id }, { "photoCount", Count(pr.N) }, { "latestPhoto", pr.Latest }, { "defectCount", Count(pr.Defects) } });
        }
        var qualityStats = new BsonArray();
        foreach (var (id, qr) in quality)
        {
            qualityStats.Add(new BsonDocument { { "_id", id }, { "count", Count(qr.N) }, { "avgDefects", Avg(qr.Defects, qr.N) } });
        }
        var syncStats = new BsonArray();
        foreach (var (id, sr) in sync)
        {
            syncStats.Add(new BsonDocument { { "_id", id }, { "count", Count(sr.N) }, { "avgAttempts", Avg(sr.AttemptsSum, sr.AttemptsN) } });
        }
        var summary = total == 0
            ? new BsonDocument
            {
                { "totalPhotos", 0 }, { "totalSizeMB", 0.0 }, { "avgQuality", BsonNull.Value }, { "totalDefects", 0 },
                { "firstCapturedAt", BsonNull.Value }, { "lastCapturedAt", BsonNull.Value }, { "uniqueProjectCount", 0 },
            }
            : new BsonDocument
            {
                { "totalPhotos", Count(total) }, { "totalSizeMB", size / Mb }, { "avgQuality", Avg(qualitySum, qualityN) },
                { "totalDefects", Count(defects) }, { "firstCapturedAt", first! }, { "lastCapturedAt", last! }, { "uniqueProjectCount", projects.Count },
            };
        return new BsonDocument
        {
            { "dailyStats", dailyStats }, { "departmentStats", departmentStats }, { "projectStats", projectStats },
            { "qualityStats", qualityStats }, { "syncStats", syncStats }, { "summary", summary },
        };
    }

    // $sum of 32-bit integers stays 32-bit until it overflows.
    private static BsonValue Count(long n) => n is >= int.MinValue and <= int.MaxValue ? (BsonValue)(int)n : n;

    private static BsonValue Avg(double sum, long n) => n == 0 ? BsonNull.Value : sum / n;
}
