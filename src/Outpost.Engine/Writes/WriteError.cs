using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>
/// One failed statement/document of a bulk write, as MongoDB reports it in <c>writeErrors</c>.
/// </summary>
/// <param name="Index">Index of the failed statement or document in the request.</param>
/// <param name="Code">MongoDB error code (11000, 121, …).</param>
/// <param name="CodeName">MongoDB codeName.</param>
/// <param name="Message">errmsg.</param>
/// <param name="Details">Extra fields MongoDB puts beside errmsg (keyPattern/keyValue for 11000, errInfo for 121), or null.</param>
public sealed record WriteError(int Index, int Code, string CodeName, string Message, BsonDocument? Details)
{
    /// <summary>The error as a writeErrors array element: <c>{index, code, codeName, errmsg, ...details}</c>.</summary>
    public BsonDocument ToBsonDocument()
    {
        var doc = new BsonDocument { { "index", Index }, { "code", Code }, { "codeName", CodeName }, { "errmsg", Message } };
        if (Details is not null)
            foreach (var e in Details) doc.Set(e.Name, e.Value);
        return doc;
    }
}
