namespace Shopfloor.Validation;

/// <summary>One broken rule.</summary>
/// <param name="Path">Dotted field path (array elements by index, e.g. <c>auditTrail.0.action</c>).</param>
/// <param name="Rule">The rule's name, as in <c>$jsonSchema</c> where one exists (required, bsonType, minimum, pattern, …).</param>
/// <param name="Message">A sentence for people.</param>
public sealed record Violation(string Path, string Rule, string Message)
{
    public override string ToString() => $"{Path}: {Rule} — {Message}";
}
