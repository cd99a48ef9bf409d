using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Outpost;
using Outpost.Bson;
using Outpost.Bson.Json;
using Shopfloor.Security;

namespace Shopfloor.Server.Endpoints;

/// <summary>
/// Maps the one error type (<see cref="MongoException"/>) to RFC 9457 problem details, once: validation 121 → 400
/// with every violated field in <c>errors</c>, Unauthorized 13 → 403, duplicate key → 409, write conflict → 409,
/// parse/bad value → 400. A tampered encrypted field is a 500: stored data failed authentication.
/// </summary>
internal static partial class ProblemResponses
{
    public static async Task HandleAsync(HttpContext context, Func<Task> next)
    {
        try
        {
            await next().ConfigureAwait(false);
        }
        catch (MongoException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, StatusFor(e.Code), e.CodeName, e.Message, e).ConfigureAwait(false);
        }
        catch (FieldDecryptionException e) when (!context.Response.HasStarted)
        {
            var logger = context.RequestServices.GetService(typeof(ILoggerFactory)) is ILoggerFactory f ? f.CreateLogger("Shopfloor") : null;
            if (logger is not null)
            {
                LogTampered(logger, context.Request.Path, e.Error);
            }
            await WriteAsync(context, StatusCodes.Status500InternalServerError, "EncryptedFieldTampered", "an encrypted field failed authentication", null).ConfigureAwait(false);
        }
    }

    public static int StatusFor(int code) => code switch
    {
        ErrorCodes.DocumentValidationFailure or ErrorCodes.BadValue or ErrorCodes.FailedToParse or ErrorCodes.TypeMismatch
            or ErrorCodes.ImmutableField or ErrorCodes.NoSuchKey => StatusCodes.Status400BadRequest,
        ErrorCodes.Unauthorized => StatusCodes.Status403Forbidden,
        ErrorCodes.DuplicateKey or ErrorCodes.WriteConflict => StatusCodes.Status409Conflict,
        ErrorCodes.NamespaceNotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static IResult Result(int status, string title, string detail, BsonDocument? extra = null)
    {
        var problem = Problem(status, title, detail);
        if (extra is not null)
        {
            foreach (var element in extra)
            {
                problem.Set(element.Name, element.Value);
            }
        }
        return Results.Text(BsonJson.ToJson(problem), "application/problem+json", Encoding.UTF8, status);
    }

    private static async Task WriteAsync(HttpContext context, int status, string title, string detail, MongoException? error)
    {
        var problem = Problem(status, title, detail);
        if (error is not null)
        {
            problem.Add("code", error.Code);
            var errors = new BsonArray();
            var details = new BsonDocument();
            foreach (var pair in error.Details)
            {
                if (error.Code == ErrorCodes.DocumentValidationFailure && pair.Value is string rule)
                {
                    errors.Add(new BsonDocument { { "path", pair.Key }, { "rule", rule } });
                }
                else
                {
                    details.Set(pair.Key, pair.Value as BsonValue ?? (BsonValue)(pair.Value?.ToString()));
                }
            }
            if (errors.Count > 0)
            {
                problem.Add("errors", errors);
            }
            if (details.ElementCount > 0)
            {
                problem.Add("details", details);
            }
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        await context.Response.WriteAsync(BsonJson.ToJson(problem), context.RequestAborted).ConfigureAwait(false);
    }

    private static BsonDocument Problem(int status, string title, string detail) => new()
    {
        { "type", "about:blank" },
        { "title", title },
        { "status", status },
        { "detail", detail },
    };

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Encrypted field failed authentication on {Path}: {Error}")]
    private static partial void LogTampered(ILogger logger, string path, FieldDecryptionError error);
}
