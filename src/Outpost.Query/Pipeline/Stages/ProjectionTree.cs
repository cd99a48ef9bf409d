using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query.Pipeline.Stages;

/// <summary>
/// The parsed form of $project / $addFields / $unset: a tree of field names to inclusion, exclusion, computed
/// expressions or sub-trees. Dotted paths and nested documents build the same tree. Over arrays, sub-trees apply to each
/// element (aggregation semantics).
/// </summary>
internal sealed class ProjectionTree
{
    private readonly List<(string Name, Node Node)> _fields = [];

    internal abstract record Node;

    internal sealed record Include : Node;

    internal sealed record Exclude : Node;

    internal sealed record Computed(AggregationExpression Expression) : Node;

    internal sealed record Sub(ProjectionTree Tree) : Node;

    public bool HasInclusion { get; private set; }

    public bool HasExclusion { get; private set; }

    public IReadOnlyList<(string Name, Node Node)> Fields => _fields;

    private Node? Get(string name)
    {
        foreach (var (n, node) in _fields)
        {
            if (n == name)
            {
                return node;
            }
        }

        return null;
    }

    public void Set(string[] path, int index, Node node, string fullPath)
    {
        string name = path[index];
        int existing = _fields.FindIndex(f => f.Name == name);
        if (index == path.Length - 1)
        {
            if (existing >= 0)
            {
                throw new MongoException(31250, $"Invalid $project :: caused by :: Path collision at {fullPath}");
            }

            _fields.Add((name, node));
            return;
        }

        ProjectionTree sub;
        if (existing >= 0)
        {
            if (_fields[existing].Node is not Sub s)
            {
                throw new MongoException(31250, $"Invalid $project :: caused by :: Path collision at {fullPath}");
            }

            sub = s.Tree;
        }
        else
        {
            sub = new ProjectionTree();
            _fields.Add((name, new Sub(sub)));
        }

        sub.Set(path, index + 1, node, fullPath);
    }

    /// <summary>Parses a $project spec (mode null) or a $addFields spec (mode "addFields": all computed).</summary>
    public static ProjectionTree Parse(BsonDocument spec, QueryContext context, bool addFields)
    {
        var tree = new ProjectionTree();
        var ctx = new CompileContext(context);
        Parse(tree, spec, string.Empty, ctx, addFields, tree);
        if (!addFields && tree.HasInclusion && tree.HasExclusion)
        {
            // Only _id may be excluded in an inclusion projection.
            throw new MongoException(31254, "Invalid $project :: caused by :: Cannot do exclusion on field in inclusion projection");
        }

        return tree;
    }

    private static void Parse(ProjectionTree root, BsonDocument spec, string prefix, CompileContext ctx, bool addFields, ProjectionTree flags)
    {
        foreach (var e in spec)
        {
            string full = prefix.Length == 0 ? e.Name : prefix + "." + e.Name;
            if (e.Name.StartsWith('$'))
            {
                throw new MongoException(16410, $"Invalid $project :: caused by :: FieldPath field names may not start with '$'. Consider using $getField or $setField.");
            }

            if (e.Name.Length == 0)
            {
                throw new MongoException(40352, "Invalid $project :: caused by :: FieldPath cannot be constructed with empty string");
            }

            var path = full.Split('.');
            if (!addFields && (e.Value.IsNumeric || e.Value.IsBoolean))
            {
                bool include = e.Value is BsonBoolean b ? b.Value : e.Value.ToDouble() != 0;
                if (include)
                {
                    if (flags.HasExclusion && full != "_id" && !flags.OnlyIdExcluded)
                    {
                        throw new MongoException(31253, $"Invalid $project :: caused by :: Cannot do inclusion on field {full} in exclusion projection");
                    }

                    flags.HasInclusion = true;
                    root.Set(path, 0, new Include(), full);
                }
                else
                {
                    if (full != "_id")
                    {
                        if (flags.HasInclusion)
                        {
                            throw new MongoException(31254, $"Invalid $project :: caused by :: Cannot do exclusion on field {full} in inclusion projection");
                        }

                        flags.HasExclusion = true;
                    }
                    else
                    {
                        flags.IdExcluded = true;
                    }

                    root.Set(path, 0, new Exclude(), full);
                }

                continue;
            }

            if (e.Value is BsonDocument sub && sub.ElementCount > 0 && !sub.GetElement(0).Name.StartsWith('$'))
            {
                Parse(root, sub, full, ctx, addFields, flags);
                continue;
            }

            if (e.Value is BsonDocument { ElementCount: 0 } && !addFields)
            {
                throw new MongoException(51270, $"Invalid $project :: caused by :: An empty sub-projection is not a valid value. Found empty object at path {full}");
            }

            if (!addFields)
            {
                if (flags.HasExclusion)
                {
                    throw new MongoException(31252, $"Invalid $project :: caused by :: Cannot use expression other than $meta in exclusion projection");
                }

                flags.HasInclusion = true;
            }

            root.Set(path, 0, new Computed(ExpressionCompiler.Compile(e.Value, ctx)), full);
        }
    }

    private bool IdExcluded { get; set; }

    private bool OnlyIdExcluded => !HasExclusion;

    /// <summary>Whether _id is excluded at the top level.</summary>
    public bool ExcludesId => IdExcluded;

    public bool IsInclusion => HasInclusion;

    /// <summary>Applies an inclusion projection (computed fields included) to a document.</summary>
    public BsonDocument ApplyInclusion(BsonDocument doc, ExpressionScope scope, bool top)
    {
        var result = new BsonDocument();
        if (top && !ExcludesId && Get("_id") is null && doc.TryGetValue("_id", out var id))
        {
            result.Add("_id", id);
        }

        foreach (var e in doc)
        {
            switch (Get(e.Name))
            {
                case Include:
                    result.Add(e.Name, e.Value);
                    break;
                case Sub s:
                    var v = s.Tree.IncludeValue(e.Value, scope);
                    if (v is not null)
                    {
                        result.Add(e.Name, v);
                    }

                    break;
            }
        }

        AddComputed(result, scope);
        return result;
    }

    private BsonValue? IncludeValue(BsonValue value, ExpressionScope scope)
    {
        switch (value)
        {
            case BsonDocument d:
                return ApplyInclusion(d, scope, top: false);
            case BsonArray a:
                var arr = new BsonArray();
                foreach (var e in a)
                {
                    var v = IncludeValue(e, scope);
                    if (v is not null)
                    {
                        arr.Add(v);
                    }
                }

                return arr;
            default:
                // Scalars under a sub-projection: dropped unless the sub-tree computes fields (then they become documents).
                return HasComputed() ? ComputedOnly(scope) : null;
        }
    }

    private bool HasComputed() => _fields.Any(f => f.Node is Computed || (f.Node is Sub s && s.Tree.HasComputed()));

    private BsonDocument ComputedOnly(ExpressionScope scope)
    {
        var d = new BsonDocument();
        AddComputed(d, scope);
        return d;
    }

    private void AddComputed(BsonDocument result, ExpressionScope scope)
    {
        foreach (var (name, node) in _fields)
        {
            if (node is Computed c)
            {
                var v = c.Expression.Evaluate(scope);
                if (!Values.IsMissing(v))
                {
                    result.Set(name, v);
                }
                else
                {
                    result.Remove(name);
                }
            }
            else if (node is Sub s && s.Tree.HasComputed() && !result.Contains(name))
            {
                var d = s.Tree.ComputedOnly(scope);
                result.Add(name, d);
            }
        }
    }

    /// <summary>Applies an exclusion projection ($project with 0s, or $unset).</summary>
    public BsonDocument ApplyExclusion(BsonDocument doc)
    {
        var result = new BsonDocument(doc.ElementCount);
        foreach (var e in doc)
        {
            switch (Get(e.Name))
            {
                case Exclude:
                    break;
                case Sub s:
                    result.Add(e.Name, s.Tree.ExcludeValue(e.Value));
                    break;
                default:
                    result.Add(e.Name, e.Value);
                    break;
            }
        }

        return result;
    }

    private BsonValue ExcludeValue(BsonValue v) => v switch
    {
        BsonDocument d => ApplyExclusion(d),
        BsonArray a => new BsonArray(a.Select(ExcludeValue)),
        _ => v,
    };

    /// <summary>Applies $addFields/$set: computed values replace or append fields, nested paths map over arrays.</summary>
    public BsonDocument ApplyAddFields(BsonDocument doc, ExpressionScope scope)
    {
        var result = new BsonDocument(doc);
        foreach (var (name, node) in _fields)
        {
            if (node is Computed c)
            {
                var v = c.Expression.Evaluate(scope);
                if (Values.IsMissing(v))
                {
                    result.Remove(name);
                }
                else
                {
                    result.Set(name, v);
                }
            }
            else if (node is Sub s)
            {
                var existing = result.TryGetValue(name, out var ev) ? ev : null;
                result.Set(name, s.Tree.AddFieldsValue(existing, scope));
            }
        }

        return result;
    }

    private BsonValue AddFieldsValue(BsonValue? existing, ExpressionScope scope) => existing switch
    {
        BsonDocument d => ApplyAddFields(d, scope),
        BsonArray a => new BsonArray(a.Select(e => AddFieldsValue(e, scope))),
        _ => ApplyAddFields([], scope),
    };
}
