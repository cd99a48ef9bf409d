using Outpost.Bson;

namespace Outpost.Query;

// Variables and $$CURRENT: scopes are immutable; binding a variable makes a child scope that shares its parent,
// so $map/$filter/$let can bind per element without copying the whole variable set.
public sealed partial class ExpressionScope
{
    private readonly ExpressionScope? _parent;
    private readonly string? _name;
    private readonly BsonValue? _value;
    private readonly BsonValue? _current;

    private ExpressionScope(ExpressionScope parent, string? name, BsonValue? value, BsonValue? current)
    {
        Root = parent.Root;
        Context = parent.Context;
        _parent = parent;
        _name = name;
        _value = value;
        _current = current ?? parent.Current;
    }

    /// <summary>The value of <c>$$CURRENT</c> (the root document unless rebound).</summary>
    public BsonValue Current => _current ?? Root;

    /// <summary>A child scope in which <c>$$name</c> is <paramref name="value"/>.</summary>
    public ExpressionScope WithVariable(string name, BsonValue value) => new(this, name, value, null);

    /// <summary>A child scope in which <c>$$CURRENT</c> is <paramref name="current"/> (used by $redact and $$DESCEND).</summary>
    public ExpressionScope WithCurrent(BsonValue current) => new(this, null, null, current);

    /// <summary>Looks up a user variable (innermost binding first, then the context's <c>let</c> variables).</summary>
    public bool TryGetVariable(string name, out BsonValue value)
    {
        for (var s = this; s is not null; s = s._parent)
        {
            if (s._name is not null && string.Equals(s._name, name, StringComparison.Ordinal))
            {
                value = s._value!;
                return true;
            }
        }

        if (Context.Variables is { } vars && vars.TryGetValue(name, out var v))
        {
            value = v;
            return true;
        }

        value = BsonUndefined.Value;
        return false;
    }
}
