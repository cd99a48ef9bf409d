using Outpost.Bson;
using Outpost.Fixtures;

namespace Outpost.Query.Tests.Pipeline;

/// <summary>
/// Golden tests for the pipelines in the reference documents: the manufacturing dashboard $facet, the quality-stats $group
/// and the photo search stages (seeds/000_5021a6a0ed32fc7e.txt), and the Mongoose guide's getUserStats / getActiveUsers
/// (seeds/004_b675b35ba610d882.txt). Expected outputs were computed by hand from the small inputs below.
/// </summary>
public class SeedPipelineTests : PipelineTestBase
{
    // p5 is another department; p6 is outside the March date range.
    private const string Photos = """
        [
          { _id: 'p1', departmentId: 'D1', projectId: 'P1', capturedAt: ISODate('2024-03-10T08:00:00Z'), fileSize: 1048576,
            syncStatus: 'synced', syncAttempts: 1, metadata: { qualityRating: 5, defectsFound: [] } },
          { _id: 'p2', departmentId: 'D1', projectId: 'P1', capturedAt: ISODate('2024-03-10T15:30:00Z'), fileSize: 2097152,
            syncStatus: 'synced', syncAttempts: 2, metadata: { qualityRating: 4, defectsFound: ['scratch'] } },
          { _id: 'p3', departmentId: 'D1', projectId: 'P2', capturedAt: ISODate('2024-03-11T09:00:00Z'), fileSize: 524288,
            syncStatus: 'pending', syncAttempts: 0, metadata: { qualityRating: 3, defectsFound: ['dent', 'crack'] } },
          { _id: 'p4', departmentId: 'D1', projectId: 'P1', capturedAt: ISODate('2024-03-12T23:59:59Z'), fileSize: 3145728,
            syncStatus: 'failed', syncAttempts: 3, metadata: { qualityRating: 4, defectsFound: [] } },
          { _id: 'p5', departmentId: 'D2', projectId: 'P3', capturedAt: ISODate('2024-03-10T10:00:00Z'), fileSize: 4096,
            syncStatus: 'synced', syncAttempts: 1, metadata: { qualityRating: 1, defectsFound: [] } },
          { _id: 'p6', departmentId: 'D1', projectId: 'P1', capturedAt: ISODate('2024-04-02T10:00:00Z'), fileSize: 1048576,
            syncStatus: 'synced', syncAttempts: 1, metadata: { qualityRating: 5, defectsFound: [] } }
        ]
        """;

    private static readonly string DashboardPipeline = SeedDashboardPipeline.WithMatch(
        "{ departmentId: 'D1', capturedAt: { $gte: ISODate('2024-03-01T00:00:00Z'), $lte: ISODate('2024-03-31T23:59:59Z') } }");

    private static async Task<BsonDocument> DashboardAsync()
    {
        var result = await RunAsync(DashboardPipeline, Photos);
        return Assert.Single(result);
    }

    private static BsonArray SortedById(BsonValue array) =>
        new(array.AsArray.OrderBy(d => d.AsDocument["_id"], Comparer<BsonValue>.Create((a, b) => a.CompareTo(b))));

    [Fact]
    public async Task Dashboard_daily_stats()
    {
        var facet = await DashboardAsync();
        BsonAssert.Equal(AggJson.Array("""
            [
              { _id: '2024-03-12', photoCount: 1, totalSizeMB: 3.0, avgQuality: 4.0 },
              { _id: '2024-03-11', photoCount: 1, totalSizeMB: 0.5, avgQuality: 3.0 },
              { _id: '2024-03-10', photoCount: 2, totalSizeMB: 3.0, avgQuality: 4.5 }
            ]
            """), facet["dailyStats"]);
    }

    [Fact]
    public async Task Dashboard_department_and_project_stats()
    {
        var facet = await DashboardAsync();
        BsonAssert.Equal(AggJson.Array("[{ _id: 'D1', photoCount: 4, avgFileSize: 1703936.0, syncSuccessRate: 0.5 }]"), facet["departmentStats"]);
        BsonAssert.Equal(AggJson.Array("""
            [
              { _id: 'P1', photoCount: 3, latestPhoto: ISODate('2024-03-12T23:59:59Z'), defectCount: 1 },
              { _id: 'P2', photoCount: 1, latestPhoto: ISODate('2024-03-11T09:00:00Z'), defectCount: 2 }
            ]
            """), facet["projectStats"]);
    }

    [Fact]
    public async Task Dashboard_quality_and_sync_stats()
    {
        var facet = await DashboardAsync();
        BsonAssert.Equal(AggJson.Array("""
            [
              { _id: 3, count: 1, avgDefects: 2.0 },
              { _id: 4, count: 2, avgDefects: 0.5 },
              { _id: 5, count: 1, avgDefects: 0.0 }
            ]
            """), facet["qualityStats"]);
        // $group output order is unspecified in MongoDB: compare as a set.
        BsonAssert.Equal(AggJson.Array("""
            [
              { _id: 'failed', count: 1, avgAttempts: 3.0 },
              { _id: 'pending', count: 1, avgAttempts: 0.0 },
              { _id: 'synced', count: 2, avgAttempts: 1.5 }
            ]
            """), SortedById(facet["syncStats"]));
    }

    [Fact]
    public async Task Dashboard_summary()
    {
        var facet = await DashboardAsync();
        var summary = Assert.Single(facet["summary"].AsArray).AsDocument;
        var projects = summary["uniqueProjects"].AsArray.Select(v => v.AsString).Order().ToArray();
        Assert.Equal(["P1", "P2"], projects);
        summary.Remove("uniqueProjects");
        BsonAssert.Equal(AggJson.Doc("""
            {
              _id: null, totalPhotos: 4, totalSizeMB: 6.5, avgQuality: 4.0,
              dateRange: [
                { min: ISODate('2024-03-10T08:00:00Z'), max: ISODate('2024-03-10T08:00:00Z') },
                { min: ISODate('2024-03-10T15:30:00Z'), max: ISODate('2024-03-10T15:30:00Z') },
                { min: ISODate('2024-03-11T09:00:00Z'), max: ISODate('2024-03-11T09:00:00Z') },
                { min: ISODate('2024-03-12T23:59:59Z'), max: ISODate('2024-03-12T23:59:59Z') }
              ],
              uniqueProjectCount: 2
            }
            """), summary);
    }

    [Fact]
    public async Task Dashboard_without_filters_covers_all_departments()
    {
        var all = await RunAsync(DashboardPipeline.Replace("departmentId: 'D1', ", string.Empty, StringComparison.Ordinal), Photos);
        var summary = all[0]["summary"].AsArray[0].AsDocument;
        Assert.Equal(5, summary["totalPhotos"].AsInt32);
        Assert.Equal(3, summary["uniqueProjectCount"].AsInt32);
    }

    [Fact]
    public async Task Quality_stats_group()
    {
        await CheckAsync(
            """
            [
              { $match: { departmentId: 'D1' } },
              { $group: { _id: '$metadata.qualityRating', count: { $sum: 1 }, avgFileSize: { $avg: '$fileSize' } } },
              { $sort: { _id: 1 } }
            ]
            """,
            Photos,
            """
            [
              { _id: 3, count: 1, avgFileSize: 524288.0 },
              { _id: 4, count: 2, avgFileSize: 2621440.0 },
              { _id: 5, count: 2, avgFileSize: 1048576.0 }
            ]
            """);
    }

    [Fact]
    public async Task Quality_stats_group_with_empty_match_spans_departments()
    {
        var result = await RunAsync("[{ $match: {} }, { $group: { _id: '$metadata.qualityRating', count: { $sum: 1 } } }, { $sort: { _id: 1 } }]", Photos);
        BsonAssert.Equal(AggJson.Array("[1, 3, 4, 5]"), new BsonArray(result.Select(d => d["_id"])));
        Assert.Equal(6, result.Sum(d => d["count"].AsInt32));
    }

    private const string SearchFilter = """
        { $match: { departmentId: 'D1',
                    capturedAt: { $gte: ISODate('2024-03-01T00:00:00Z'), $lte: ISODate('2024-03-31T23:59:59Z') },
                    'metadata.qualityRating': { $gte: 4, $lte: 5 },
                    'metadata.defectsFound': { $eq: [] } } }
        """;

    [Fact]
    public async Task Photo_search_page_one()
    {
        var photos = await RunAsync($"[{SearchFilter}, {{ $sort: {{ capturedAt: -1 }} }}, {{ $skip: 0 }}, {{ $limit: 2 }}]", Photos);
        Assert.Equal(["p4", "p1"], photos.Select(p => p["_id"].AsString));
        BsonAssert.Equal(AggJson.Doc("{ qualityRating: 4, defectsFound: [] }"), photos[0]["metadata"]);
    }

    [Fact]
    public async Task Photo_search_page_two_and_total_count()
    {
        var page2 = await RunAsync($"[{SearchFilter}, {{ $sort: {{ capturedAt: -1 }} }}, {{ $skip: 1 }}, {{ $limit: 1 }}]", Photos);
        Assert.Equal(["p1"], page2.Select(p => p["_id"].AsString));
        await CheckAsync($"[{SearchFilter}, {{ $sort: {{ capturedAt: -1 }} }}, {{ $count: 'total' }}]", Photos, "[{ total: 2 }]");
    }

    [Fact]
    public async Task Photo_search_with_defects()
    {
        var photos = await RunAsync(
            """
            [
              { $match: { departmentId: 'D1', 'metadata.qualityRating': { $gte: 3, $lte: 5 }, 'metadata.defectsFound': { $ne: [] } } },
              { $sort: { capturedAt: -1 } }, { $skip: 0 }, { $limit: 20 }
            ]
            """, Photos);
        Assert.Equal(["p3", "p2"], photos.Select(p => p["_id"].AsString));
    }

    [Fact]
    public async Task Photo_search_count_when_nothing_matches()
    {
        await CheckAsync("[{ $match: { departmentId: 'none' } }, { $sort: { capturedAt: -1 } }, { $count: 'total' }]", Photos, "[]");
    }

    private const string Users = """
        [
          { _id: 1, role: 'admin', profile: { age: 40 }, lastLoginDate: ISODate('2024-03-14T10:00:00Z') },
          { _id: 2, role: 'user', profile: { age: 20 }, lastLoginDate: ISODate('2024-03-14T23:00:00Z') },
          { _id: 3, role: 'user', profile: { age: 30 }, lastLoginDate: ISODate('2024-03-09T08:00:00Z') },
          { _id: 4, role: 'user', lastLoginDate: ISODate('2024-03-01T00:00:00Z') },
          { _id: 5, role: 'moderator', profile: { age: 35 }, lastLoginDate: ISODate('2024-02-29T23:00:00Z') },
          { _id: 6, role: 'moderator', profile: { age: 45 }, lastLoginDate: ISODate('2024-03-08T12:00:00Z') },
          { _id: 7, role: 'user', profile: { age: 50 } }
        ]
        """;

    [Fact]
    public async Task Mongoose_getUserStats()
    {
        await CheckAsync(
            "[{ $group: { _id: '$role', count: { $sum: 1 }, averageAge: { $avg: '$profile.age' } } }, { $sort: { count: -1 } }]",
            Users,
            """
            [
              { _id: 'user', count: 4, averageAge: 33.333333333333336 },
              { _id: 'moderator', count: 2, averageAge: 40.0 },
              { _id: 'admin', count: 1, averageAge: 40.0 }
            ]
            """);
    }

    [Fact]
    public async Task Mongoose_getActiveUsers_last_7_days()
    {
        // new Date() = 2024-03-15T12:00Z, minus 7 days.
        await CheckAsync(
            """
            [
              { $match: { lastLoginDate: { $gte: ISODate('2024-03-08T12:00:00Z') } } },
              { $group: { _id: { year: { $year: '$lastLoginDate' }, month: { $month: '$lastLoginDate' }, day: { $dayOfMonth: '$lastLoginDate' } },
                          count: { $sum: 1 } } },
              { $sort: { '_id.year': 1, '_id.month': 1, '_id.day': 1 } }
            ]
            """,
            Users,
            """
            [
              { _id: { year: 2024, month: 3, day: 8 }, count: 1 },
              { _id: { year: 2024, month: 3, day: 9 }, count: 1 },
              { _id: { year: 2024, month: 3, day: 14 }, count: 2 }
            ]
            """);
    }
}
