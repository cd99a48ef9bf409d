using Outpost.Bson;

namespace Outpost.Query.Filters;

/// <summary>$and (and the implicit conjunction of a filter document).</summary>
internal sealed class AndNode(MatchNode[] children) : MatchNode
{
    // When every child is a path predicate, bytes are matched in one pass over the document's elements instead of
    // one scan per child (at most 64 children, tracked in a bit mask).
    private readonly LeafMatcher[]? _leaves = Array.TrueForAll(children, c => c is LeafMatcher { Path: not null }) && children.Length <= 64
        ? Array.ConvertAll(children, c => (LeafMatcher)c)
        : null;

    public MatchNode[] Children { get; } = children;

    public override bool Matches(BsonDocumentView document, MatchDetails? details)
    {
        // Positional details must come from the first child that reports one, so they keep the children's order.
        if (_leaves is null || details is not null)
        {
            foreach (var c in Children)
            {
                if (!c.Matches(document, details))
                {
                    return false;
                }
            }

            return true;
        }

        var leaves = _leaves;
        ulong pending = leaves.Length == 64 ? ulong.MaxValue : (1UL << leaves.Length) - 1;
        foreach (var element in document)
        {
            var name = element.Name;
            for (int i = 0; i < leaves.Length; i++)
            {
                ulong bit = 1UL << i;
                // Only the first element of a name counts (duplicates are ignored, as TryGetValue does).
                if ((pending & bit) != 0 && name.SequenceEqual(leaves[i].Path!.Utf8At(0)))
                {
                    pending &= ~bit;
                    if (!leaves[i].MatchesTopLevelValue(element.Value))
                    {
                        return false;
                    }
                }
            }

            if (pending == 0)
            {
                return true;
            }
        }

        for (int i = 0; i < leaves.Length; i++)
        {
            if ((pending & (1UL << i)) != 0 && !leaves[i].MatchesTopLevelMissing())
            {
                return false;
            }
        }

        return true;
    }

    public override bool Matches(BsonDocument document, MatchDetails? details)
    {
        foreach (var c in Children)
        {
            if (!c.Matches(document, details))
            {
                return false;
            }
        }

        return true;
    }

    public override bool CollectTopLevelFields(HashSet<string> names)
    {
        bool ok = true;
        foreach (var c in Children)
        {
            ok &= c.CollectTopLevelFields(names);
        }

        return ok;
    }
}

/// <summary>$or.</summary>
internal sealed class OrNode(MatchNode[] children) : MatchNode
{
    public MatchNode[] Children { get; } = children;

    public override bool Matches(BsonDocumentView document, MatchDetails? details)
    {
        foreach (var c in Children)
        {
            if (c.Matches(document, details))
            {
                return true;
            }
        }

        return false;
    }

    public override bool Matches(BsonDocument document, MatchDetails? details)
    {
        foreach (var c in Children)
        {
            if (c.Matches(document, details))
            {
                return true;
            }
        }

        return false;
    }

    public override bool CollectTopLevelFields(HashSet<string> names)
    {
        bool ok = true;
        foreach (var c in Children)
        {
            ok &= c.CollectTopLevelFields(names);
        }

        return ok;
    }
}

/// <summary>$nor, and $not (a $nor of one child): positional details are never taken from a negation.</summary>
internal sealed class NorNode(MatchNode[] children) : MatchNode
{
    public override bool Matches(BsonDocumentView document, MatchDetails? details)
    {
        foreach (var c in children)
        {
            if (c.Matches(document, null))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Matches(BsonDocument document, MatchDetails? details)
    {
        foreach (var c in children)
        {
            if (c.Matches(document, null))
            {
                return false;
            }
        }

        return true;
    }

    public override bool CollectTopLevelFields(HashSet<string> names)
    {
        bool ok = true;
        foreach (var c in children)
        {
            ok &= c.CollectTopLevelFields(names);
        }

        return ok;
    }
}

/// <summary>$expr: an aggregation expression evaluated against the document; truthy means match.</summary>
internal sealed class ExprNode(AggregationExpression expression, QueryContext context) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchDetails? details) =>
        IsTruthy(expression.Evaluate(new ExpressionScope(document, context)));

    public override bool CollectTopLevelFields(HashSet<string> names) => false;

    /// <summary>MongoDB's truthiness: false, null, undefined, missing and zero are false; everything else is true.</summary>
    public static bool IsTruthy(BsonValue? v) => v switch
    {
        null => false,
        BsonBoolean b => b.Value,
        BsonNull or BsonUndefined => false,
        BsonInt32 i => i.Value != 0,
        BsonInt64 l => l.Value != 0,
        BsonDouble d => d.Value != 0,
        BsonDecimal128 m => !m.Value.IsZero,
        _ => true,
    };
}
