// Each test owns its server and disposes it; HTTP calls end with it, so per-call test cancellation adds nothing.
#pragma warning disable xUnit1051
using System.Net;
using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Security;
using Shopfloor.Server;

namespace Shopfloor.Tests.Server;

/// <summary>The seed's "MongoDB Integration Tests", rewritten against Outpost through the REST module.</summary>
public sealed class SeedRepositoryTests
{
    [Fact]
    public async Task Creates_and_retrieves_a_photo_with_validation()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);

        var created = await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(ShopfloorTestServer.NewPhoto()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var photo = await ShopfloorTestServer.ReadAsync(created);
        Assert.IsType<BsonObjectId>(photo["_id"]);
        Assert.Equal("PAINT", photo["departmentId"].AsString);
        Assert.Equal("pending", photo["syncStatus"].AsString);

        var read = await paint.GetAsync($"/api/photos/{photo["_id"].AsObjectId}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var retrieved = await ShopfloorTestServer.ReadAsync(read);
        Assert.Equal("test-photo.jpg", retrieved["fileName"].AsString);
        Assert.Equal("created", retrieved["auditTrail"].AsArray[0].AsDocument["action"].AsString);
    }

    [Fact]
    public async Task Invalid_photo_is_refused_by_REST_naming_every_violated_field()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        var invalid = Samples.SeedInvalidPhoto();
        invalid.Set("departmentId", "PAINT"); // the authorizer refuses INVALID_DEPT before validation; see the next test for that

        var response = await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(invalid));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ShopfloorTestServer.ReadAsync(response);
        Assert.Equal(121, problem["code"].ToInt64());
        var paths = problem["errors"].AsArray.Select(e => e.AsDocument["path"].AsString).ToHashSet();
        foreach (var field in new[] { "fileName", "projectId", "partId", "jobNumber", "capturedAt", "lastModified", "fileSize", "mimeType", "checksumMD5", "syncStatus", "metadata" })
        {
            Assert.Contains(field, paths);
        }
    }

    [Fact]
    public async Task Invalid_department_in_a_photo_is_refused_by_REST()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        var response = await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(Samples.SeedInvalidPhoto()));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await server.Services.Database.GetCollection(CollectionNames.Photos).CountAsync());
    }

    [Fact]
    public async Task Invalid_photo_is_refused_by_the_engine_validator_on_a_direct_write()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        var photos = server.Services.Database.GetCollection(CollectionNames.Photos);

        var result = await photos.InsertAsync([Samples.SeedInvalidPhoto()]);

        Assert.True(result.HasErrors);
        Assert.Equal(ErrorCodes.DocumentValidationFailure, result.WriteErrors[0].Code);
        Assert.Equal(0, await photos.CountAsync());
        var valid = Samples.SeedValidPhoto();
        Assert.False((await photos.InsertAsync([valid])).HasErrors);
    }

    [Fact]
    public async Task Dashboard_aggregation_over_three_photos_in_two_departments()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        var services = server.Services;
        var paint = new DevicePrincipal("tablet-p", "PAINT", "PNT", Permissions.ForDepartment("PAINT"), "s1");
        var qa = new DevicePrincipal("tablet-q", "QA", "QAC", Permissions.ForDepartment("QA"), "s2");
        var specs = new (DevicePrincipal Device, DateTime At, int Quality, string[] Defects)[]
        {
            (paint, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), 8, []),
            (paint, new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc), 7, ["scratch"]),
            (qa, new DateTime(2025, 1, 3, 0, 0, 0, DateTimeKind.Utc), 9, []),
        };
        foreach (var (device, at, quality, defects) in specs)
        {
            var photo = ShopfloorTestServer.NewPhoto(device.DepartmentId);
            photo.Set("projectId", ObjectId.GenerateNewId());
            photo.Set("capturedAt", at);
            var metadata = photo["metadata"].AsDocument;
            metadata.Set("qualityRating", quality);
            metadata.Set("defectsFound", new BsonArray(defects.Select(d => (BsonValue)d)));
            await services.Photos.CreateAsync(device, photo);
        }

        var dashboard = await services.Dashboard.GetAsync();

        Assert.Equal(3, dashboard["summary"].AsDocument["totalPhotos"].ToInt64());
        Assert.Equal(3, dashboard["summary"].AsDocument["uniqueProjectCount"].ToInt64());
        Assert.Equal(1, dashboard["summary"].AsDocument["totalDefects"].ToInt64());
        Assert.Equal(2, dashboard["departmentStats"].AsArray.Count);
        Assert.Contains(dashboard["qualityStats"].AsArray, s => s.AsDocument["_id"].ToInt64() == 8);
        Assert.Equal(3, dashboard["dailyStats"].AsArray.Count);
        Assert.Equal("2025-01-03", dashboard["dailyStats"].AsArray[0].AsDocument["_id"].AsString);
        Assert.Equal(0.0, dashboard["departmentStats"].AsArray[0].AsDocument["syncSuccessRate"].ToDouble());

        var paintOnly = await services.Dashboard.GetAsync("PAINT");
        Assert.Equal(2, paintOnly["summary"].AsDocument["totalPhotos"].ToInt64());
    }

    [Fact]
    public async Task Five_concurrent_updates_all_succeed()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        // Updates need photo:update, which only QA/QC holds.
        using var qa = await server.DeviceAsync("QAC", ShopfloorTestServer.QaPin);
        var created = await ShopfloorTestServer.ReadAsync(await qa.PostAsync("/api/photos", ShopfloorTestServer.Json(ShopfloorTestServer.NewPhoto("QA"))));
        var id = created["_id"].AsObjectId;

        var updates = Enumerable.Range(0, 5).Select(i => qa.PatchAsync($"/api/photos/{id}", ShopfloorTestServer.Json(
            new BsonDocument("$set", new BsonDocument { { "syncAttempts", i + 1 }, { "lastModified", DateTime.UtcNow } }))));
        var responses = await Task.WhenAll(updates);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var final = await ShopfloorTestServer.ReadAsync(await qa.GetAsync($"/api/photos/{id}"));
        Assert.InRange(final["syncAttempts"].ToInt64(), 1, 5);
        Assert.Equal(6, final["auditTrail"].AsArray.Count);
    }

    [Fact]
    public async Task Partial_update_rules_are_enforced()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var qa = await server.DeviceAsync("QAC", ShopfloorTestServer.QaPin);
        var created = await ShopfloorTestServer.ReadAsync(await qa.PostAsync("/api/photos", ShopfloorTestServer.Json(ShopfloorTestServer.NewPhoto("QA"))));
        var id = created["_id"].AsObjectId;

        var immutable = await qa.PatchAsync($"/api/photos/{id}", ShopfloorTestServer.Json(new BsonDocument("_id", ObjectId.GenerateNewId())));
        Assert.Equal(HttpStatusCode.BadRequest, immutable.StatusCode);
        var audit = await qa.PatchAsync($"/api/photos/{id}", ShopfloorTestServer.Json(new BsonDocument("auditTrail", new BsonArray())));
        Assert.Equal(HttpStatusCode.BadRequest, audit.StatusCode);
        var invalid = await qa.PatchAsync($"/api/photos/{id}", ShopfloorTestServer.Json(new BsonDocument { { "fileName", "" }, { "mimeType", "text/plain" } }));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var paths = (await ShopfloorTestServer.ReadAsync(invalid))["errors"].AsArray.Select(e => e.AsDocument["path"].AsString).ToList();
        Assert.Contains("fileName", paths);
        Assert.Contains("mimeType", paths);

        var ok = await qa.PatchAsync($"/api/photos/{id}", ShopfloorTestServer.Json(new BsonDocument("syncStatus", "synced")));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var updated = await ShopfloorTestServer.ReadAsync(ok);
        Assert.Equal("synced", updated["syncStatus"].AsString);
        Assert.True(updated["updatedAt"].AsDateTime.MillisecondsSinceEpoch >= created["updatedAt"].AsDateTime.MillisecondsSinceEpoch);
        Assert.Equal("test-photo.jpg", updated["fileName"].AsString);
    }

    [Fact]
    public async Task Search_filters_and_paginates()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        var random = new Random(7);
        for (var i = 0; i < 5; i++)
        {
            var photo = ShopfloorTestServer.NewPhoto();
            photo.Set("fileName", $"weld-{i}.jpg");
            photo.Set("capturedAt", new DateTime(2025, 2, 1 + i, 0, 0, 0, DateTimeKind.Utc));
            photo["metadata"].AsDocument.Set("defectsFound", i < 2 ? new BsonArray { "scratch" } : new BsonArray());
            Assert.Equal(HttpStatusCode.Created, (await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(photo))).StatusCode);
        }

        var page1 = await ShopfloorTestServer.ReadAsync(await paint.GetAsync("/api/photos?limit=2&page=1"));
        Assert.Equal(5, page1["totalCount"].ToInt64());
        Assert.Equal(3, page1["totalPages"].ToInt64());
        Assert.True(page1["hasNext"].AsBoolean);
        Assert.False(page1["hasPrev"].AsBoolean);
        Assert.Equal("weld-4.jpg", page1["photos"].AsArray[0].AsDocument["fileName"].AsString);
        var page3 = await ShopfloorTestServer.ReadAsync(await paint.GetAsync("/api/photos?limit=2&page=3"));
        Assert.Single(page3["photos"].AsArray);
        Assert.False(page3["hasNext"].AsBoolean);
        Assert.True(page3["hasPrev"].AsBoolean);

        var defects = await ShopfloorTestServer.ReadAsync(await paint.GetAsync("/api/photos?hasDefects=true"));
        Assert.Equal(2, defects["totalCount"].ToInt64());
        var range = await ShopfloorTestServer.ReadAsync(await paint.GetAsync("/api/photos?from=2025-02-02T00:00:00Z&to=2025-02-03T00:00:00Z"));
        Assert.Equal(2, range["totalCount"].ToInt64());

        var text = await ShopfloorTestServer.ReadAsync(await paint.GetAsync("/api/photos?q=scratch"));
        Assert.Equal(2, text["totalCount"].ToInt64());
        Assert.Contains(text["searchMode"].AsString, new[] { "text", "regex" });
    }
}
