using Outpost.Bson;
using Outpost.Query.Paths;

namespace Outpost.Query.Filters;

/// <summary>
/// A predicate on the values reached by a path, with MongoDB's implicit array traversal: arrays met inside the path
/// are traversed element by element (document elements only, one level), numeric components also index arrays, and an
/// array at the end of the path is offered whole and element by element. When the path reaches nothing at all, the
/// predicate sees "missing" once (null).
/// </summary>
internal abstract class LeafMatcher(FieldPath? path) : MatchNode
{
    public FieldPath? Path { get; } = path;

    /// <summary>Whether an array at the end of the path is also offered element by element.</summary>
    protected virtual bool ExpandLeafArrays => true;

    /// <summary>The predicate on one value; null stands for a missing field.</summary>
    public abstract bool MatchesValue(BsonValue? value);

    public override bool Matches(BsonDocument document, MatchDetails? details)
    {
        if (Path is null)
        {
            return MatchesValue(document);
        }

        bool reached = false;
        int index = -1;
        if (Walk(document, 0, ref reached, ref index))
        {
            if (details is not null && index >= 0 && details.ArrayIndex is null)
            {
                details.ArrayIndex = index;
            }

            return true;
        }

        return !reached && MatchesValue(null);
    }

    public override bool CollectTopLevelFields(HashSet<string> names)
    {
        if (Path is not null)
        {
            names.Add(Path[0]);
        }

        return Path is not null;
    }

    private bool Walk(BsonValue current, int depth, ref bool reached, ref int arrayIndex)
    {
        if (depth == Path!.Length)
        {
            reached = true;
            if (current is BsonArray leafArray && ExpandLeafArrays)
            {
                for (int i = 0; i < leafArray.Count; i++)
                {
                    if (MatchesValue(leafArray[i]))
                    {
                        if (arrayIndex < 0)
                        {
                            arrayIndex = i;
                        }

                        return true;
                    }
                }
            }

            return MatchesValue(current);
        }

        switch (current)
        {
            case BsonDocument doc:
                if (doc.TryGetValue(Path[depth], out var child))
                {
                    return Walk(child, depth + 1, ref reached, ref arrayIndex);
                }

                reached = true;
                return MatchesValue(null);
            case BsonArray array:
            {
                int index = Path.IndexAt(depth);
                if (index >= 0 && index < array.Count)
                {
                    int saved = arrayIndex;
                    if (Walk(array[index], depth + 1, ref reached, ref arrayIndex))
                    {
                        return true;
                    }

                    arrayIndex = saved;
                }

                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is BsonDocument element)
                    {
                        int inner = arrayIndex;
                        if (Walk(element, depth, ref reached, ref inner))
                        {
                            arrayIndex = arrayIndex < 0 ? i : arrayIndex;
                            return true;
                        }
                    }
                }

                return false;
            }

            default:
                return false;
        }
    }
}
