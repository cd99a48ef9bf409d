namespace Outpost.Query.Expressions;

/// <summary>Compile-time state: the operation's context and the user variables defined at this point.</summary>
internal sealed class CompileContext(QueryContext query)
{
    private readonly List<string> _variables = [];

    public QueryContext Query { get; } = query;

    public bool IsDefined(string name)
    {
        if (_variables.Contains(name))
        {
            return true;
        }

        return Query.Variables is { } v && v.Contains(name);
    }

    /// <summary>Defines variables for the duration of a nested compile (disposed to pop them).</summary>
    public VariableFrame Define(params string[] names)
    {
        _variables.AddRange(names);
        return new VariableFrame(this, names.Length);
    }

    internal void Pop(int count) => _variables.RemoveRange(_variables.Count - count, count);

    public readonly struct VariableFrame(CompileContext owner, int count) : IDisposable
    {
        public void Dispose() => owner.Pop(count);
    }
}
