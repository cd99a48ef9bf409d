using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>Dotted-path lookups shared by the planner, distinct and the fallback matcher.</summary>
internal static class DocumentPaths
{
    /// <summary>Every value at the path, descending into arrays of documents; arrays at the leaf are added whole and element-wise when <paramref name="expandLeafArrays"/>.</summary>
    public static void Collect(BsonValue current, string[] parts, int index, List<BsonValue> values, bool expandLeafArrays)
    {
        if (index == parts.Length)
        {
            if (current is BsonArray leaf && expandLeafArrays)
                foreach (var item in leaf) values.Add(item);
            values.Add(current);
            return;
        }

        switch (current)
        {
            case BsonDocument doc:
                if (doc.TryGetValue(parts[index], out var child)) Collect(child, parts, index + 1, values, expandLeafArrays);
                return;
            case BsonArray array:
                if (int.TryParse(parts[index], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position))
                {
                    if (position < array.Count) Collect(array[position], parts, index + 1, values, expandLeafArrays);
                    return;
                }

                foreach (var item in array)
                    if (item is BsonDocument) Collect(item, parts, index, values, expandLeafArrays);
                return;
        }
    }

    /// <summary>The single value at a path without array traversal, or null when missing.</summary>
    public static BsonValue? Get(BsonDocument document, string path)
    {
        BsonValue current = document;
        foreach (var part in path.Split('.'))
        {
            if (current is BsonDocument d && d.TryGetValue(part, out var next)) current = next;
            else if (current is BsonArray a && int.TryParse(part, out var i) && i >= 0 && i < a.Count) current = a[i];
            else return null;
        }

        return current;
    }
}
