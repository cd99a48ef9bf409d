namespace Shopfloor.Validation;

/// <summary>The regular expressions of the rule sets, written in the subset .NET and MongoDB's PCRE read alike.</summary>
public static class Patterns
{
    /// <summary>Job numbers: upper-case letters and digits in hyphen-separated groups (JOB-2025-001, PERF-TEST-001).</summary>
    public const string JobNumber = "^[A-Z0-9]+(-[A-Z0-9]+)*$";

    /// <summary>An image MIME type (the seed's <c>/^image\//</c>, plus a non-empty subtype).</summary>
    public const string ImageMimeType = "^image/[A-Za-z0-9.+-]+$";

    /// <summary>An MD5 digest as 32 hex digits (the seed only checked the length).</summary>
    public const string Md5Hex = "^[0-9a-fA-F]{32}$";

    /// <summary>An absolute http(s) URL without whitespace (the seed's <c>z.string().url()</c>, narrowed to web URLs).</summary>
    public const string WebUrl = "^https?://[^\\s/?#]+[^\\s]*$";

    /// <summary>A department code: three upper-case letters.</summary>
    public const string DepartmentCode = "^[A-Z]{3}$";
}
