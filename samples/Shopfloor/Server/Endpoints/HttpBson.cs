using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Outpost;
using Outpost.Bson;
using Outpost.Bson.Json;

namespace Shopfloor.Server.Endpoints;

/// <summary>
/// Request and response bodies are MongoDB Relaxed Extended JSON (<c>{"$date": …}</c>, <c>{"$oid": …}</c>), so a
/// photo round-trips with its BSON types and the same document can be sent over REST, the wire or sync.
/// </summary>
internal static class HttpBson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static async Task<BsonDocument> ReadDocumentAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new MongoException(ErrorCodes.FailedToParse, "the request body must be a JSON object");
        }
        try
        {
            return BsonJson.Parse(text);
        }
        catch (BsonJsonException e)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "the request body is not valid Extended JSON: " + e.Message);
        }
    }

    public static IResult Json(BsonValue value, int status = StatusCodes.Status200OK) =>
        Results.Text(BsonJson.ToJson(value), ContentType, Encoding.UTF8, status);

    public static IResult Array(IEnumerable<BsonDocument> documents)
    {
        var array = new BsonArray();
        foreach (var d in documents)
        {
            array.Add(d);
        }
        return Json(array);
    }

    public static ObjectId ParseObjectId(string value, string name) =>
        ObjectId.TryParse(value, out var id) ? id : throw new MongoException(ErrorCodes.BadValue, $"{name} '{value}' is not an ObjectId");

    public static DateTime? QueryDate(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new MongoException(ErrorCodes.BadValue, $"{name} '{text}' is not an ISO-8601 date");
    }

    public static int? QueryInt(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new MongoException(ErrorCodes.BadValue, $"{name} '{text}' is not an integer");
    }

    public static bool? QueryBool(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return bool.TryParse(text, out var value) ? value : throw new MongoException(ErrorCodes.BadValue, $"{name} '{text}' is not true/false");
    }

    public static string? QueryString(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
