using Outpost.Bson;
using Outpost.Sync.Clock;

namespace Outpost.Sync.Merge;

/// <summary>
/// One field-level change inside a <see cref="DocumentOperation"/>.
/// </summary>
/// <param name="Path">Dotted path; "" is the whole document (a replacement).</param>
/// <param name="Kind">What was done.</param>
/// <param name="Value">The new value, delta or elements; null for <see cref="FieldChangeKind.Unset"/>.</param>
/// <param name="Base">
/// The stamp of the value the client had when it made the change (null: it had none). A base older than the server's
/// current stamp means the client did not see the latest write: the two writes are concurrent.
/// </param>
public sealed record FieldChange(string Path, FieldChangeKind Kind, BsonValue? Value = null, FieldStamp? Base = null)
{
    public static FieldChange Set(string path, BsonValue value, FieldStamp? baseStamp = null) => new(path, FieldChangeKind.Set, value, baseStamp);
    public static FieldChange Unset(string path, FieldStamp? baseStamp = null) => new(path, FieldChangeKind.Unset, null, baseStamp);
}
