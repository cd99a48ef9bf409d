using Outpost.Bson;

namespace Outpost.Sync.Merge;

/// <summary>
/// Reads and writes dotted paths in a document for the merger. Paths go through embedded documents only:
/// writing below a value that is not a document replaces it with one, so that every replica shapes the
/// document the same way whichever write arrives first.
/// </summary>
internal static class DocumentPath
{
    public static bool IsAncestor(string ancestor, string path) =>
        ancestor.Length == 0 ? path.Length > 0 : path.Length > ancestor.Length && path[ancestor.Length] == '.' && path.StartsWith(ancestor, StringComparison.Ordinal);

    public static IEnumerable<string> Ancestors(string path)
    {
        if (path.Length == 0)
        {
            yield break;
        }
        yield return "";
        for (int i = path.IndexOf('.'); i >= 0; i = path.IndexOf('.', i + 1))
        {
            yield return path[..i];
        }
    }

    public static BsonValue? Get(BsonDocument document, string path)
    {
        if (path.Length == 0)
        {
            return document;
        }
        BsonValue current = document;
        foreach (var segment in path.Split('.'))
        {
            if (current is not BsonDocument d || !d.TryGetValue(segment, out var next))
            {
                return null;
            }
            current = next;
        }
        return current;
    }

    /// <summary>Sets (or with a null value removes) the value at a non-root path, creating documents on the way.</summary>
    public static void Set(BsonDocument document, string path, BsonValue? value)
    {
        var segments = path.Split('.');
        var current = document;
        for (int i = 0; i < segments.Length - 1; i++)
        {
            if (current.TryGetValue(segments[i], out var next) && next is BsonDocument child)
            {
                current = child;
                continue;
            }
            if (value is null)
            {
                return;
            }
            var created = new BsonDocument();
            current.Set(segments[i], created);
            current = created;
        }
        if (value is null)
        {
            current.Remove(segments[^1]);
        }
        else
        {
            current.Set(segments[^1], value);
        }
    }
}
