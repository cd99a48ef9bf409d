namespace Outpost.Sync.Merge;

/// <summary>
/// The merge rules of one synced collection: a default and per-path overrides. A path is governed by the rule of
/// its nearest configured ancestor (or itself); <see cref="MergeStrategy.LastWriterWins"/> at the root ("") makes
/// whole documents the unit.
/// </summary>
public sealed class MergePolicy
{
    private readonly Dictionary<string, FieldPolicy> _fields = new(StringComparer.Ordinal);

    public MergePolicy(FieldPolicy? documentDefault = null)
    {
        Default = documentDefault ?? FieldPolicy.Default;
    }

    public FieldPolicy Default { get; }

    public IReadOnlyDictionary<string, FieldPolicy> Fields => _fields;

    /// <summary>Sets the rule of a dotted path; returns this policy for chaining.</summary>
    public MergePolicy For(string path, FieldPolicy policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _fields[path] = policy;
        return this;
    }

    /// <summary>The governing rule of a path and the path at which it was configured (the unit of LWW/set/counter fields).</summary>
    public (FieldPolicy Policy, string Unit) Resolve(string path)
    {
        string current = path;
        while (true)
        {
            if (_fields.TryGetValue(current, out var policy))
            {
                return (policy, current);
            }
            int dot = current.LastIndexOf('.');
            if (dot < 0)
            {
                return (Default, Default.Strategy == MergeStrategy.FieldMerge ? path : "");
            }
            current = current[..dot];
        }
    }
}
