using Outpost.Bson;

namespace Outpost.Query.Updates;

/// <summary>
/// One update application: resolves positional paths ($, $[], $[id]) against the document, navigates/creates
/// intermediate containers, and records which concrete paths were set or removed.
/// </summary>
internal sealed class ApplyState(BsonDocument document, ApplyContext context, DateTime now,
    Dictionary<string, QueryFilter> arrayFilters, UpdateDescription description, QueryContext queryContext)
{
    private readonly List<string> _setPaths = [];

    public BsonDocument Document { get; } = document;
    public ApplyContext Context { get; } = context;
    public DateTime Now { get; } = now;
    public QueryContext QueryContext { get; } = queryContext;
    public UpdateDescription Description { get; } = description;

    /// <summary>Expands positional components into the concrete paths they address now.</summary>
    public List<string[]> Resolve(string[] parts)
    {
        var results = new List<string[]>();
        Expand(Document, parts, 0, new List<string>(), results);
        return results;
    }

    private void Expand(BsonValue? current, string[] parts, int i, List<string> prefix, List<string[]> results)
    {
        if (i == parts.Length)
        {
            results.Add([.. prefix]);
            return;
        }

        string p = parts[i];
        if (p == "$")
        {
            if (Context.MatchedArrayIndex is not { } idx)
            {
                throw new MongoException(ErrorCodes.BadValue, "The positional operator did not find the match needed from the query.");
            }

            prefix.Add(idx.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Expand(current is BsonArray a && idx < a.Count ? a[idx] : null, parts, i + 1, prefix, results);
            prefix.RemoveAt(prefix.Count - 1);
            return;
        }

        if (p.StartsWith("$[", StringComparison.Ordinal) && p.EndsWith(']'))
        {
            if (current is not BsonArray array)
            {
                throw new MongoException(ErrorCodes.BadValue, $"The path '{string.Join('.', prefix)}' must exist in the document in order to apply array updates.");
            }

            QueryFilter? filter = p.Length > 3 ? arrayFilters[p[2..^1]] : null;
            string id = p.Length > 3 ? p[2..^1] : "";
            for (int k = 0; k < array.Count; k++)
            {
                if (filter is null || filter.Matches(new BsonDocument(id, array[k])))
                {
                    prefix.Add(k.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    Expand(array[k], parts, i + 1, prefix, results);
                    prefix.RemoveAt(prefix.Count - 1);
                }
            }

            return;
        }

        BsonValue? next = current switch
        {
            BsonDocument d => d.TryGetValue(p, out var v) ? v : null,
            BsonArray a when int.TryParse(p, out int n) && n >= 0 && n < a.Count => a[n],
            _ => null,
        };
        prefix.Add(p);
        Expand(next, parts, i + 1, prefix, results);
        prefix.RemoveAt(prefix.Count - 1);
    }

    /// <summary>The value at a concrete path, or null when missing.</summary>
    public BsonValue? Get(string[] path)
    {
        BsonValue? current = Document;
        foreach (var p in path)
        {
            current = current switch
            {
                BsonDocument d => d.TryGetValue(p, out var v) ? v : null,
                BsonArray a => int.TryParse(p, out int n) && n >= 0 && n < a.Count ? a[n] : null,
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Sets a value, creating missing documents on the way; pads arrays with nulls (as $set does).</summary>
    public void SetAt(string[] path, BsonValue value)
    {
        BsonValue container = Document;
        for (int i = 0; i < path.Length; i++)
        {
            string p = path[i];
            bool last = i == path.Length - 1;
            switch (container)
            {
                case BsonDocument d:
                    if (last)
                    {
                        d.Set(p, value);
                    }
                    else
                    {
                        if (!d.TryGetValue(p, out var child))
                        {
                            child = new BsonDocument();
                            d.Add(p, child);
                        }

                        container = child;
                    }

                    break;
                case BsonArray a:
                {
                    if (!int.TryParse(p, out int n) || n < 0 || FieldPathIndex(p) < 0)
                    {
                        throw new MongoException(ErrorCodes.PathNotViable, $"Cannot create field '{p}' in element {{{path[Math.Max(0, i - 1)]}: {a}}}");
                    }

                    while (a.Count <= n)
                    {
                        a.Add(BsonNull.Value);
                    }

                    if (last)
                    {
                        a[n] = value;
                    }
                    else
                    {
                        if (a[n] is BsonNull)
                        {
                            a[n] = new BsonDocument();
                        }

                        container = a[n];
                    }

                    break;
                }

                default:
                    throw new MongoException(ErrorCodes.PathNotViable, $"Cannot create field '{p}' in element {{{path[i - 1]}: {container}}}");
            }
        }

        _setPaths.Add(string.Join('.', path));
    }

    /// <summary>Removes a field; an array element is set to null instead, as $unset does.</summary>
    public bool Remove(string[] path)
    {
        var parent = path.Length == 1 ? Document : Get(path[..^1]);
        string last = path[^1];
        switch (parent)
        {
            case BsonDocument d when d.Contains(last):
                d.Remove(last);
                Description.RemovedFields.Add(string.Join('.', path));
                return true;
            case BsonArray a when int.TryParse(last, out int n) && n >= 0 && n < a.Count:
                a[n] = BsonNull.Value;
                _setPaths.Add(string.Join('.', path));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Records that a concrete path was modified in place (array operators).</summary>
    public void Touched(string[] path) => _setPaths.Add(string.Join('.', path));

    public void FinishDescription()
    {
        foreach (var p in _setPaths)
        {
            var value = Get(p.Split('.'));
            if (value is not null)
            {
                Description.UpdatedFields.Set(p, value);
            }
        }
    }

    private static int FieldPathIndex(string p) => Paths.FieldPath.ParseIndex(p);
}
