using Outpost;

namespace Shopfloor.Validation;

/// <summary>Every violation found in one document (empty when valid).</summary>
public sealed class ValidationResult
{
    public ValidationResult(IReadOnlyList<Violation> violations) => Violations = violations;

    public IReadOnlyList<Violation> Violations { get; }

    public bool IsValid => Violations.Count == 0;

    /// <summary>True when some violation names exactly this path.</summary>
    public bool HasViolationAt(string path)
    {
        foreach (var v in Violations)
        {
            if (v.Path == path)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Throws MongoDB's DocumentValidationFailure (121) listing every violation, the same error a collection
    /// validator raises, so callers handle device-side and server-side rejections alike.
    /// </summary>
    public void ThrowIfInvalid(string collection)
    {
        if (IsValid)
        {
            return;
        }
        var details = new KeyValuePair<string, object?>[Violations.Count];
        for (var i = 0; i < Violations.Count; i++)
        {
            details[i] = new(Violations[i].Path, Violations[i].Rule);
        }
        throw new MongoException(ErrorCodes.DocumentValidationFailure,
            $"Document failed validation for '{collection}': {string.Join("; ", Violations)}")
        {
            Details = details,
        };
    }

    public override string ToString() => IsValid ? "valid" : string.Join(Environment.NewLine, Violations);
}
