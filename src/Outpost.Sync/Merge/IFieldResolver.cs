using Outpost.Bson;

namespace Outpost.Sync.Merge;

/// <summary>
/// Decides between two concurrent values of a field configured with <see cref="MergeStrategy.Custom"/>.
/// Must be deterministic and commutative (Resolve(a, b) == Resolve(b, a)) so that every replica converges
/// whatever order the writes arrive in.
/// </summary>
public interface IFieldResolver
{
    /// <param name="path">The field's dotted path.</param>
    /// <param name="current">The value the server holds (null when the field is missing).</param>
    /// <param name="incoming">The value a client pushed (null when the client unset the field).</param>
    BsonValue? Resolve(string path, StampedValue current, StampedValue incoming);
}
