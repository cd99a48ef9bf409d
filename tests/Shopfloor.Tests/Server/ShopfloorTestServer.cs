// Each test owns its server and disposes it; HTTP calls end with it, so per-call test cancellation adds nothing.
#pragma warning disable xUnit1051
using System.Net.Http.Headers;
using System.Text;
using Outpost.Bson;
using Outpost.Bson.Json;
using Shopfloor.Demo;
using Shopfloor.Domain;
using Shopfloor.Server;

namespace Shopfloor.Tests.Server;

/// <summary>A real Shopfloor module on Kestrel (ephemeral port) over a real SQLite file in a temp folder.</summary>
internal sealed class ShopfloorTestServer : IAsyncDisposable
{
    public const string PaintPin = "482913";
    public const string QaPin = "771204";

    private readonly string _directory;

    private ShopfloorTestServer(string directory, ShopfloorHost host)
    {
        _directory = directory;
        Host = host;
        Http = new HttpClient { BaseAddress = host.BaseAddress };
    }

    public ShopfloorHost Host { get; }

    public ShopfloorServices Services => Host.Services;

    public HttpClient Http { get; }

    public string DataDirectory => _directory;

    public static async Task<ShopfloorTestServer> StartAsync(TimeProvider? time = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "shopfloor-tests", Guid.NewGuid().ToString("N"));
        var host = await ShopfloorHost.StartAsync(new ShopfloorOptions
        {
            DataDirectory = directory,
            Url = "http://127.0.0.1:0",
            Time = time ?? TimeProvider.System,
        });
        var server = new ShopfloorTestServer(directory, host);
        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        foreach (var department in Departments.All)
        {
            await host.Services.ReferenceData.CreateDepartmentAsync(DemoData.Department(department, now));
        }
        await host.Services.SignIn.SetPinAsync(Departments.Paint, PaintPin);
        await host.Services.SignIn.SetPinAsync(Departments.QaQc, QaPin);
        return server;
    }

    /// <summary>Signs in and returns a client carrying the bearer token.</summary>
    public async Task<HttpClient> DeviceAsync(string departmentCode, string pin, string deviceId = "tablet-1")
    {
        var response = await SignInAsync(departmentCode, pin, deviceId);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        var client = new HttpClient { BaseAddress = Host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body["token"].AsString);
        return client;
    }

    public Task<HttpResponseMessage> SignInAsync(string departmentCode, string pin, string deviceId = "tablet-1") =>
        Http.PostAsync("/api/auth/sign-in", Json(new BsonDocument { { "deviceId", deviceId }, { "departmentCode", departmentCode }, { "pin", pin } }));

    public static StringContent Json(BsonDocument document) =>
        new(BsonJson.ToJson(document), Encoding.UTF8, "application/json");

    public static async Task<BsonDocument> ReadAsync(HttpResponseMessage response) =>
        BsonJson.Parse(await response.Content.ReadAsStringAsync());

    /// <summary>The seed's valid photo without the repository-added _id.</summary>
    public static BsonDocument NewPhoto(string departmentId = "PAINT")
    {
        var photo = Samples.SeedValidPhoto();
        photo.Remove("_id");
        photo.Set("departmentId", departmentId);
        return photo;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temp folder is cleaned by the OS.
        }
    }
}
