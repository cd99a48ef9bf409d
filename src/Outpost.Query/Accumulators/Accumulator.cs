using Outpost.Bson;

namespace Outpost.Query.Accumulators;

/// <summary>
/// One running accumulation ($sum, $push, …) for one group or window. <see cref="Add"/> receives the evaluated input
/// (missing as <see cref="BsonUndefined.Value"/>); <see cref="Result"/> may be called at any time.
/// </summary>
public abstract class Accumulator
{
    /// <summary>Adds one input value.</summary>
    public abstract void Add(BsonValue value);

    /// <summary>The current result.</summary>
    public abstract BsonValue Result();

    /// <summary>Approximate bytes held, for the blocking stages' memory limit.</summary>
    public virtual long ApproximateSize => 32;

    /// <summary>A serializable partial state, for spilling groups to disk (default: the result, when re-adding it is exact).</summary>
    public virtual BsonValue GetPartial() => Result();

    /// <summary>Merges a partial state from <see cref="GetPartial"/>; partials are merged in input order.</summary>
    public virtual void MergePartial(BsonValue partial) => Add(partial);
}
