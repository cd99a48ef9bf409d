using System.Collections.Frozen;

namespace Outpost.Wire.Commands;

/// <summary>The command table: canonical names and aliases to their specs.</summary>
public sealed class CommandRegistry
{
    private readonly Dictionary<string, CommandSpec> _building = new(StringComparer.Ordinal);
    private FrozenDictionary<string, CommandSpec>? _frozen;

    /// <summary>Registers a command under its name and any aliases.</summary>
    public void Add(CommandSpec spec, params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(aliases);
        if (_frozen is not null) throw new InvalidOperationException("registry is frozen");
        _building[spec.Name] = spec;
        foreach (string alias in aliases) _building[alias] = spec;
    }

    /// <summary>Adds every command of a family.</summary>
    public void Add(ICommandFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        family.Register(this);
    }

    /// <summary>Finds a command by the name as sent.</summary>
    public bool TryGet(string name, out CommandSpec spec)
    {
        _frozen ??= _building.ToFrozenDictionary(StringComparer.Ordinal);
        return _frozen.TryGetValue(name, out spec!);
    }

    /// <summary>All registered names (listCommands).</summary>
    public IEnumerable<string> Names => _frozen?.Keys ?? (IEnumerable<string>)_building.Keys;
}
