using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Domain;
using Shopfloor.Security;
using Shopfloor.Server;

namespace Shopfloor.Tests.Server;

/// <summary>
/// <see cref="PhotoService.FindByDepartmentAsync"/>, the production form of the seed's findByDepartment: pages newest
/// first from the department index with no in-memory sort, list rows without the audit trail, device details or the
/// encrypted fields, and only for readers of that department.
/// </summary>
public sealed class DepartmentListTests() : ShopfloorServicesTestBase("list")
{
    private static readonly DateTime Year = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly DevicePrincipal _paint = new("tablet-p", "PAINT", "PNT", Permissions.ForDepartment("PAINT"), "s1");

    private Collection Photos => Engine.GetDatabase("shopfloor").GetCollection(CollectionNames.Photos);

    /// <summary>300 photos over the five departments; a tenth of PAINT's share two capture times (ties).</summary>
    private async Task<List<BsonDocument>> SeedAsync()
    {
        var random = new Random(11);
        var project = ObjectId.GenerateNewId();
        var list = new List<BsonDocument>();
        for (var i = 0; i < 300; i++)
        {
            var department = Departments.Ids[i % Departments.Ids.Count];
            var at = i % 10 == 0 ? Year.AddDays(i % 20 == 0 ? 3 : 4) : Year.AddMinutes(random.Next(365 * 24 * 60));
            var photo = DemoData.Photo(random, department, project, "JOB-LIST", at, $"device-{i % 7}", i);
            photo.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
            photo.Add("auditTrail", new BsonArray());
            list.Add(photo);
        }
        (await Photos.InsertAsync(list.Select(d => d.DeepClone()).ToList(), cancellationToken: Ct)).ThrowOnError();
        return list;
    }

    [Fact]
    public async Task Pages_cover_the_department_newest_first_without_overlap()
    {
        var all = await SeedAsync();
        var expected = all.Where(p => p["departmentId"].AsString == "PAINT").ToList();

        var seen = new List<BsonDocument>();
        for (var page = 1; ; page++)
        {
            var rows = await Services.Photos.FindByDepartmentAsync(_paint, "PAINT", page, 7, Ct);
            Assert.True(rows.Count <= 7);
            seen.AddRange(rows);
            if (rows.Count < 7) break;
        }

        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(expected.Select(p => p["_id"]).ToHashSet(), seen.Select(p => p["_id"]).ToHashSet());
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i - 1]["capturedAt"].AsDateTime.MillisecondsSinceEpoch >= seen[i]["capturedAt"].AsDateTime.MillisecondsSinceEpoch);
        }
        Assert.All(seen, p => Assert.Equal("PAINT", p["departmentId"].AsString));
    }

    [Fact]
    public async Task Rows_leave_out_the_audit_trail_device_details_and_encrypted_fields()
    {
        await SeedAsync();
        var input = ShopfloorTestServer.NewPhoto("PAINT");
        input["metadata"].AsDocument.Set("inspectorNotes", "Runs near the left edge.");
        input["metadata"].AsDocument.Set("location", new BsonDocument { { "latitude", 47.6 }, { "longitude", -122.3 }, { "accuracy", 5.0 } });
        var created = await Services.Photos.CreateAsync(_paint, input, Ct);
        Assert.Equal("Runs near the left edge.", created["metadata"].AsDocument["inspectorNotes"].AsString);

        var rows = await Services.Photos.FindByDepartmentAsync(_paint, "PAINT", 1, PhotoService.MaxDepartmentPageSize, Ct);

        var row = Assert.Single(rows, r => r["_id"].Equals(created["_id"]));
        Assert.False(row.Contains("auditTrail"));
        var metadata = row["metadata"].AsDocument;
        Assert.False(metadata.Contains("deviceInfo"));
        Assert.False(metadata.Contains("inspectorNotes"));
        Assert.False(metadata.Contains("location"));
        Assert.Equal(created["metadata"].AsDocument["qualityRating"], metadata["qualityRating"]);
        Assert.Equal(created["fileName"], row["fileName"]);
        Assert.Equal(created["checksumMD5"], row["checksumMD5"]);
    }

    [Fact]
    public async Task The_department_index_serves_filter_and_order_with_no_in_memory_sort()
    {
        await SeedAsync();
        var options = new FindOptions
        {
            Filter = new BsonDocument("departmentId", "PAINT"),
            Sort = new BsonDocument("capturedAt", -1),
            Projection = PhotoService.DepartmentListProjection(),
            Skip = 7,
            Limit = 7,
        };

        var explain = await Photos.ExplainFindAsync(options, ExplainVerbosity.ExecutionStats, cancellationToken: Ct);

        var plan = explain["queryPlanner"].AsDocument["winningPlan"].ToString();
        Assert.Contains("IXSCAN", plan, StringComparison.Ordinal);
        Assert.Contains("departmentId_1_capturedAt_-1", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", plan, StringComparison.Ordinal);
        var stats = explain["executionStats"].AsDocument;
        Assert.Equal(7, stats["nReturned"].ToInt64());
        // The scan stops after the skipped and returned rows: it does not read the whole department.
        Assert.InRange(stats["totalDocsExamined"].ToInt64(), 14, 15);
    }

    [Fact]
    public async Task Another_departments_list_is_refused_and_bad_pages_are_rejected()
    {
        await SeedAsync();

        var denied = await Assert.ThrowsAsync<MongoException>(() => Services.Photos.FindByDepartmentAsync(_paint, "QA", 1, 10, Ct));
        Assert.Equal(ErrorCodes.Unauthorized, denied.Code);
        var badPage = await Assert.ThrowsAsync<MongoException>(() => Services.Photos.FindByDepartmentAsync(_paint, "PAINT", 0, 10, Ct));
        Assert.Equal(ErrorCodes.BadValue, badPage.Code);
        var badLimit = await Assert.ThrowsAsync<MongoException>(() => Services.Photos.FindByDepartmentAsync(_paint, "PAINT", 1, PhotoService.MaxDepartmentPageSize + 1, Ct));
        Assert.Equal(ErrorCodes.BadValue, badLimit.Code);
    }
}
