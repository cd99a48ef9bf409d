using Outpost.Bson;

namespace Outpost.Wire.Commands;

/// <summary>Maps errors, once, to MongoDB's reply shape <c>{ ok: 0, errmsg, code, codeName, errorLabels, … }</c>.</summary>
public static class ErrorReply
{
    /// <summary>Codes after which a retryable write or commit may be retried (retryable-writes spec).</summary>
    public static bool IsRetryableCode(int code) => code is 6 or 7 or 89 or 91 or 189 or 262 or 9001 or 10107 or 11600 or 11602 or 13435 or 13436;

    /// <summary>The reply for <paramref name="error"/> with the given labels (already decided by the caller).</summary>
    public static BsonDocument From(MongoException error, IReadOnlyCollection<string> labels)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(labels);
        var reply = new BsonDocument
        {
            { "ok", 0.0 },
            { "errmsg", error.Message },
            { "code", error.Code },
            { "codeName", CodeNames.NameOf(error.Code, error.CodeName) },
        };
        if (labels.Count > 0)
        {
            var array = new BsonArray(labels.Count);
            foreach (string label in labels) array.Add(label);
            reply.Add("errorLabels", array);
        }
        foreach (var (name, value) in error.Details)
        {
            reply.Set(name, ToBson(value));
        }
        return reply;
    }

    /// <summary>Converts a detail value of <see cref="MongoException.Details"/> to BSON.</summary>
    public static BsonValue ToBson(object? value) => value switch
    {
        null => BsonNull.Value,
        BsonValue v => v,
        string s => s,
        int i => i,
        long l => l,
        double d => d,
        bool b => b,
        ObjectId o => o,
        DateTime t => t,
        IEnumerable<string> list => new BsonArray(list.Select(x => (BsonValue)x)),
        _ => value.ToString(),
    };
}
