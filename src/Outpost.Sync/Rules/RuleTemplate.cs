using Outpost.Bson;

namespace Outpost.Sync.Rules;

/// <summary>Binds <c>{{token.claim}}</c> placeholders in a filter template to a principal's claims.</summary>
public static class RuleTemplate
{
    private const string Prefix = "{{token.";

    /// <summary>
    /// The filter with every placeholder replaced, or null when a placeholder names a claim the token lacks — the
    /// rule then matches nothing (binding a missing claim to null would match documents missing the field).
    /// </summary>
    public static BsonDocument? Bind(BsonDocument template, SyncPrincipal principal)
    {
        var result = new BsonDocument();
        foreach (var element in template)
        {
            var bound = BindValue(element.Value, principal, out bool missing);
            if (missing) return null;
            result.Add(element.Name, bound);
        }
        return result;
    }

    private static BsonValue BindValue(BsonValue value, SyncPrincipal principal, out bool missing)
    {
        missing = false;
        switch (value)
        {
            case BsonString s when s.Value.Contains(Prefix, StringComparison.Ordinal):
                return BindString(s.Value, principal, out missing);
            case BsonDocument d:
                var doc = new BsonDocument();
                foreach (var e in d)
                {
                    doc.Add(e.Name, BindValue(e.Value, principal, out missing));
                    if (missing) return doc;
                }
                return doc;
            case BsonArray a:
                var array = new BsonArray();
                foreach (var item in a)
                {
                    array.Add(BindValue(item, principal, out missing));
                    if (missing) return array;
                }
                return array;
            default:
                return value;
        }
    }

    private static BsonValue BindString(string text, SyncPrincipal principal, out bool missing)
    {
        missing = false;
        // A whole-value placeholder keeps the claim's type (numbers stay numbers, arrays stay arrays).
        if (text.StartsWith(Prefix, StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal) && text.IndexOf("}}", StringComparison.Ordinal) == text.Length - 2)
        {
            var name = text[Prefix.Length..^2];
            if (name == "sub") return principal.Subject;
            if (principal.Claims.TryGetValue(name, out var claim)) return claim;
            missing = true;
            return BsonNull.Value;
        }
        var builder = new System.Text.StringBuilder();
        int index = 0;
        while (index < text.Length)
        {
            int start = text.IndexOf(Prefix, index, StringComparison.Ordinal);
            if (start < 0) { builder.Append(text, index, text.Length - index); break; }
            int end = text.IndexOf("}}", start, StringComparison.Ordinal);
            if (end < 0) { builder.Append(text, index, text.Length - index); break; }
            builder.Append(text, index, start - index);
            var name = text[(start + Prefix.Length)..end];
            if (name == "sub") builder.Append(principal.Subject);
            else if (principal.Claims.TryGetValue(name, out var claim) && claim is BsonString cs) builder.Append(cs.Value);
            else if (principal.Claims.TryGetValue(name, out var other)) builder.Append(other.ToString());
            else { missing = true; return BsonNull.Value; }
            index = end + 2;
        }
        return builder.ToString();
    }
}
