// Each test owns its server and disposes it; HTTP calls end with it, so per-call test cancellation adds nothing.
#pragma warning disable xUnit1051
using System.Net;
using System.Text;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Shopfloor.Security;
using Shopfloor.Server;

namespace Shopfloor.Tests.Server;

/// <summary>Security through the REST module: sign-in, tokens, department isolation, permissions, field encryption.</summary>
public sealed class RestSecurityTests
{
    [Fact]
    public async Task Wrong_PIN_is_refused_and_repeated_failures_lock_the_device_out()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        var wrong = await server.SignInAsync("PNT", "000000");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var unknown = await server.SignInAsync("XYZ", "000000");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal((await ShopfloorTestServer.ReadAsync(wrong))["detail"], (await ShopfloorTestServer.ReadAsync(unknown))["detail"]);

        for (var i = 0; i < 4; i++)
        {
            await server.SignInAsync("PNT", "000000");
        }
        var locked = await server.SignInAsync("PNT", ShopfloorTestServer.PaintPin);
        Assert.Equal((HttpStatusCode)429, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter is not null);
        // The lock-out lives in the engine, not in memory.
        Assert.NotNull(await server.Services.Lockouts.GetAsync("device:PNT:tablet-1"));
        // Another tablet of the department is not locked out by this one's guesses.
        Assert.Equal(HttpStatusCode.OK, (await server.SignInAsync("PNT", ShopfloorTestServer.PaintPin, "tablet-2")).StatusCode);
    }

    [Fact]
    public async Task Requests_without_or_with_a_forged_token_are_refused()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync("/api/dashboard")).StatusCode);
        using var forged = new HttpClient { BaseAddress = server.Host.BaseAddress };
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/photos")).StatusCode);
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await ShopfloorTestServer.StartAsync(clock);
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        Assert.Equal(HttpStatusCode.OK, (await paint.GetAsync("/api/auth/me")).StatusCode);

        clock.Advance(TimeSpan.FromHours(25));
        var response = await paint.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains((await ShopfloorTestServer.ReadAsync(response))["failure"].AsString, new[] { "Expired", "SessionExpired" });
    }

    [Fact]
    public async Task Revoked_token_is_refused_after_sign_out_and_after_device_revocation()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        Assert.Equal(HttpStatusCode.NoContent, (await paint.PostAsync("/api/auth/sign-out", null)).StatusCode);
        var after = await paint.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("Revoked", (await ShopfloorTestServer.ReadAsync(after))["failure"].AsString);

        using var stolen = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin, "tablet-lost");
        Assert.Equal(1, await server.Services.Sessions.RevokeDeviceAsync("tablet-lost", DateTimeOffset.UtcNow, "reported stolen"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await stolen.GetAsync("/api/photos")).StatusCode);
    }

    [Fact]
    public async Task Cross_department_reads_and_writes_are_refused()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        using var qa = await server.DeviceAsync("QAC", ShopfloorTestServer.QaPin);
        var paintPhoto = await ShopfloorTestServer.ReadAsync(await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(ShopfloorTestServer.NewPhoto("PAINT"))));
        var id = paintPhoto["_id"].AsObjectId;

        Assert.Equal(HttpStatusCode.Forbidden, (await qa.GetAsync($"/api/photos/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.PatchAsync($"/api/photos/{id}", ShopfloorTestServer.Json(new BsonDocument("syncStatus", "synced")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.DeleteAsync($"/api/photos/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(ShopfloorTestServer.NewPhoto("QA")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await paint.GetAsync("/api/photos?departmentId=QA")).StatusCode);
        var qaSearch = await ShopfloorTestServer.ReadAsync(await qa.GetAsync("/api/photos"));
        Assert.Equal(0, qaSearch["totalCount"].ToInt64());
        var qaDashboard = await ShopfloorTestServer.ReadAsync(await qa.GetAsync("/api/dashboard"));
        Assert.Equal(0, qaDashboard["summary"].AsDocument["totalPhotos"].ToInt64());

        // Paint holds photo:create and photo:read only: no update or delete even of its own photos.
        Assert.Equal(HttpStatusCode.Forbidden, (await paint.PatchAsync($"/api/photos/{id}", ShopfloorTestServer.Json(new BsonDocument("syncStatus", "synced")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await paint.DeleteAsync($"/api/photos/{id}")).StatusCode);
        Assert.NotNull(await server.Services.Photos.GetStoredAsync(id));
    }

    [Fact]
    public async Task QA_device_updates_and_deletes_its_own_department_photos()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var qa = await server.DeviceAsync("QAC", ShopfloorTestServer.QaPin);
        var photo = await ShopfloorTestServer.ReadAsync(await qa.PostAsync("/api/photos", ShopfloorTestServer.Json(ShopfloorTestServer.NewPhoto("QA"))));
        var id = photo["_id"].AsObjectId;
        var metadata = photo["metadata"].AsDocument;
        metadata.Set("qualityRating", 3);
        Assert.Equal(HttpStatusCode.OK, (await qa.PatchAsync($"/api/photos/{id}", ShopfloorTestServer.Json(new BsonDocument("metadata", metadata)))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await qa.DeleteAsync($"/api/photos/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await qa.GetAsync($"/api/photos/{id}")).StatusCode);
    }

    [Fact]
    public async Task Encrypted_fields_are_unreadable_in_storage_and_readable_by_authorized_readers()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        const string notes = "Hairline crack at weld seam 4";
        var photo = ShopfloorTestServer.NewPhoto();
        photo["metadata"].AsDocument.Set("inspectorNotes", notes);
        photo["metadata"].AsDocument.Set("location", new BsonDocument { { "latitude", 47.6062 }, { "longitude", -122.3321 }, { "accuracy", 4.5 } });
        var created = await ShopfloorTestServer.ReadAsync(await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(photo)));
        var id = created["_id"].AsObjectId;

        var stored = (await server.Services.Photos.GetStoredAsync(id))!;
        var storedMetadata = stored["metadata"].AsDocument;
        Assert.True(FieldEncryptor.IsEncrypted(storedMetadata["inspectorNotes"]));
        Assert.True(FieldEncryptor.IsEncrypted(storedMetadata["location"]));
        var bytes = BsonSerializer.Serialize(stored);
        Assert.DoesNotContain(notes, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain("Hairline", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);

        var read = await ShopfloorTestServer.ReadAsync(await paint.GetAsync($"/api/photos/{id}"));
        Assert.Equal(notes, read["metadata"].AsDocument["inspectorNotes"].AsString);
        Assert.Equal(47.6062, read["metadata"].AsDocument["location"].AsDocument["latitude"].ToDouble());
        var search = await ShopfloorTestServer.ReadAsync(await paint.GetAsync("/api/photos"));
        Assert.Equal(notes, search["photos"].AsArray[0].AsDocument["metadata"].AsDocument["inspectorNotes"].AsString);

        using var qa = await server.DeviceAsync("QAC", ShopfloorTestServer.QaPin);
        var denied = await qa.GetAsync($"/api/photos/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.DoesNotContain("Hairline", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_or_moved_ciphertext_is_detected_on_read()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        var first = ShopfloorTestServer.NewPhoto();
        first["metadata"].AsDocument.Set("inspectorNotes", "original notes");
        var a = (await ShopfloorTestServer.ReadAsync(await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(first))))["_id"].AsObjectId;
        var b = (await ShopfloorTestServer.ReadAsync(await paint.PostAsync("/api/photos", ShopfloorTestServer.Json(ShopfloorTestServer.NewPhoto()))))["_id"].AsObjectId;
        var photos = server.Services.Database.GetCollection(CollectionNames.Photos);
        var stored = (await server.Services.Photos.GetStoredAsync(a))!["metadata"].AsDocument["inspectorNotes"].AsBinary;

        // Moving a valid ciphertext to another photo fails: the associated data binds it to its document.
        await photos.UpdateAsync([new Outpost.Engine.UpdateStatement { Filter = new BsonDocument("_id", b), Update = new BsonDocument("$set", new BsonDocument("metadata.inspectorNotes", stored)) }]);
        Assert.Equal(HttpStatusCode.InternalServerError, (await paint.GetAsync($"/api/photos/{b}")).StatusCode);

        // Flipping one ciphertext bit fails the GCM tag.
        var bytes = stored.Data.ToArray();
        bytes[^1] ^= 1;
        await photos.UpdateAsync([new Outpost.Engine.UpdateStatement { Filter = new BsonDocument("_id", a), Update = new BsonDocument("$set", new BsonDocument("metadata.inspectorNotes", new BsonBinary(bytes, stored.SubType))) }]);
        var tampered = await paint.GetAsync($"/api/photos/{a}");
        Assert.Equal(HttpStatusCode.InternalServerError, tampered.StatusCode);
        Assert.Equal("EncryptedFieldTampered", (await ShopfloorTestServer.ReadAsync(tampered))["title"].AsString);
    }

    [Fact]
    public async Task Reference_data_writes_need_the_administrator_key()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        using var paint = await server.DeviceAsync("PNT", ShopfloorTestServer.PaintPin);
        var project = Shopfloor.Demo.DemoData.Project("JOB-2025-777", "Test", "Client", ["PAINT"], DateTime.UtcNow);
        project.Remove("_id");
        Assert.Equal(HttpStatusCode.Forbidden, (await paint.PostAsync("/api/projects", ShopfloorTestServer.Json(project))).StatusCode);

        using var admin = new HttpClient { BaseAddress = server.Host.BaseAddress };
        admin.DefaultRequestHeaders.Add("X-Shopfloor-Admin-Key", server.Services.AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/projects", ShopfloorTestServer.Json(project))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/api/projects", ShopfloorTestServer.Json(project))).StatusCode);

        var visible = BsonDocument.Parse("{\"a\":" + await paint.GetStringAsync("/api/projects") + "}")["a"].AsArray;
        Assert.Single(visible);
        using var qa = await server.DeviceAsync("QAC", ShopfloorTestServer.QaPin);
        var hidden = BsonDocument.Parse("{\"a\":" + await qa.GetStringAsync("/api/projects") + "}")["a"].AsArray;
        Assert.Empty(hidden);
    }

    [Fact]
    public async Task Dashboard_page_and_openapi_document_are_served()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        var html = await server.Http.GetStringAsync("/dashboard/");
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        var openapi = BsonDocument.Parse(await server.Http.GetStringAsync("/openapi.json"));
        Assert.StartsWith("3.", openapi["openapi"].AsString, StringComparison.Ordinal);
        Assert.True(openapi["paths"].AsDocument.Contains("/api/photos/{id}"));
    }
}
