using Outpost.Bson;
using Outpost.Sync.Clock;

namespace Outpost.Sync.Merge;

/// <summary>
/// One client operation on one document, as it travels in a push. Idempotent by (<see cref="ClientId"/>,
/// <see cref="Sequence"/>): the server applies each pair at most once, however often it is delivered.
/// </summary>
public sealed record DocumentOperation(
    string ClientId,
    long Sequence,
    string Collection,
    BsonValue DocumentId,
    bool IsDelete,
    IReadOnlyList<FieldChange> Changes,
    FieldStamp Stamp);
