namespace Outpost;

/// <summary>
/// The one error type of Outpost above storage: MongoDB's numeric code, its codeName and error labels.
/// The wire layer maps it to <c>{ ok: 0, errmsg, code, codeName, errorLabels }</c>; HTTP maps it to problem details.
/// </summary>
public class MongoException : Exception
{
    public MongoException(int code, string message, params string[] errorLabels)
        : this(code, ErrorCodes.NameOf(code), message, errorLabels)
    {
    }

    public MongoException(int code, string codeName, string message, IReadOnlyList<string>? errorLabels = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        CodeName = codeName;
        ErrorLabels = errorLabels ?? [];
    }

    public int Code { get; }
    public string CodeName { get; }
    public IReadOnlyList<string> ErrorLabels { get; }

    /// <summary>Extra fields MongoDB puts beside errmsg (keyPattern/keyValue for 11000, and so on), as name/value pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Details { get; init; } = [];

    public bool HasLabel(string label) => ErrorLabels.Contains(label);
}
