using Outpost.Bson;

namespace Outpost.Sync.Merge;

/// <summary>
/// Field order of merged documents: _id first, then names in ordinal order, in every embedded document (array
/// elements keep their order). Without one canonical order, the same merged values would be laid out in arrival
/// order, and replicas that received writes in different orders would hold different bytes.
/// </summary>
internal static class CanonicalOrder
{
    public static void Apply(BsonDocument document, bool isRoot = true)
    {
        bool sorted = true;
        for (int i = 0; i < document.ElementCount; i++)
        {
            var element = document.GetElement(i);
            if (element.Value is BsonDocument child)
            {
                Apply(child, isRoot: false);
            }
            if (i > 0 && Compare(document.GetElement(i - 1).Name, element.Name, isRoot) > 0)
            {
                sorted = false;
            }
        }
        if (sorted)
        {
            return;
        }
        var elements = new List<BsonElement>(document.ElementCount);
        for (int i = 0; i < document.ElementCount; i++)
        {
            elements.Add(document.GetElement(i));
        }
        elements.Sort((a, b) => Compare(a.Name, b.Name, isRoot));
        document.Clear();
        foreach (var element in elements)
        {
            document.Add(element);
        }
    }

    private static int Compare(string a, string b, bool isRoot)
    {
        if (isRoot)
        {
            if (a == "_id") return b == "_id" ? 0 : -1;
            if (b == "_id") return 1;
        }
        return string.CompareOrdinal(a, b);
    }
}
