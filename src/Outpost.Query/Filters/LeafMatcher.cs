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

    /// <summary>
    /// The predicate on one value read in place. The default decodes just that value; matchers that can decide on
    /// the bytes (comparisons, $in, $exists, $type, $size) override it.
    /// </summary>
    public virtual bool MatchesView(BsonValueView value) => MatchesValue(value.ToBsonValue());

    public override bool Matches(BsonDocumentView document, MatchDetails? details)
    {
        if (Path is null)
        {
            return MatchesValue(document.ToBsonDocument());
        }

        bool reached = false;
        int index = -1;
        if (WalkDocument(document, 0, ref reached, ref index))
        {
            if (details is not null && index >= 0 && details.ArrayIndex is null)
            {
                details.ArrayIndex = index;
            }

            return true;
        }

        return !reached && MatchesValue(null);
    }

    /// <summary>
    /// The result of <see cref="Matches(BsonDocumentView, MatchDetails?)"/> when the document's first element named
    /// like the path's first component holds <paramref name="value"/> (lets a conjunction scan the document once).
    /// </summary>
    public bool MatchesTopLevelValue(BsonValueView value)
    {
        bool reached = false;
        int index = -1;
        return WalkView(value, 1, ref reached, ref index) || (!reached && MatchesValue(null));
    }

    /// <summary>The result of <see cref="Matches(BsonDocumentView, MatchDetails?)"/> when the path's first component is absent.</summary>
    public bool MatchesTopLevelMissing() => MatchesValue(null);

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

    // The two walks below mirror Walk over BsonDocument/BsonArray exactly, on bytes: names compare as UTF-8 and no
    // sub-document is decoded to reach a nested path.
    private bool WalkDocument(BsonDocumentView document, int depth, ref bool reached, ref int arrayIndex)
    {
        if (document.TryGetElement(Path!.Utf8At(depth), out var child))
        {
            return WalkView(child, depth + 1, ref reached, ref arrayIndex);
        }

        reached = true;
        return MatchesValue(null);
    }

    private bool WalkView(BsonValueView current, int depth, ref bool reached, ref int arrayIndex)
    {
        if (depth == Path!.Length)
        {
            reached = true;
            if (current.Type == BsonType.Array && ExpandLeafArrays)
            {
                int i = 0;
                foreach (var element in current.AsArray)
                {
                    if (MatchesView(element.Value))
                    {
                        if (arrayIndex < 0)
                        {
                            arrayIndex = i;
                        }

                        return true;
                    }

                    i++;
                }
            }

            return MatchesView(current);
        }

        switch (current.Type)
        {
            case BsonType.Document:
                return WalkDocument(current.AsDocument, depth, ref reached, ref arrayIndex);
            case BsonType.Array:
            {
                var array = current.AsArray;
                int index = Path.IndexAt(depth);
                if (index >= 0)
                {
                    int position = 0;
                    foreach (var element in array)
                    {
                        if (position++ == index)
                        {
                            int saved = arrayIndex;
                            if (WalkView(element.Value, depth + 1, ref reached, ref arrayIndex))
                            {
                                return true;
                            }

                            arrayIndex = saved;
                            break;
                        }
                    }
                }

                int i = 0;
                foreach (var element in array)
                {
                    if (element.Value.Type == BsonType.Document)
                    {
                        int inner = arrayIndex;
                        if (WalkDocument(element.Value.AsDocument, depth, ref reached, ref inner))
                        {
                            arrayIndex = arrayIndex < 0 ? i : arrayIndex;
                            return true;
                        }
                    }

                    i++;
                }

                return false;
            }

            default:
                return false;
        }
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
