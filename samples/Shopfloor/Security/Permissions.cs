using Shopfloor.Domain;

namespace Shopfloor.Security;

/// <summary>The permission names carried in a device token, and who gets which (the seed's getDepartmentPermissions).</summary>
public static class Permissions
{
    public const string PhotoCreate = "photo:create";
    public const string PhotoRead = "photo:read";
    public const string PhotoUpdate = "photo:update";
    public const string PhotoDelete = "photo:delete";
    public const string QualityReview = "quality:review";

    /// <summary>Every permission, for authorization matrices.</summary>
    public static IReadOnlyList<string> All { get; } = [PhotoCreate, PhotoRead, PhotoUpdate, PhotoDelete, QualityReview];

    /// <summary>photo:create and photo:read for all; QA/QC adds photo:update, photo:delete and quality:review.</summary>
    public static IReadOnlyList<string> ForDepartment(string departmentId) =>
        departmentId == Departments.QaQc.Id
            ? [PhotoCreate, PhotoRead, PhotoUpdate, PhotoDelete, QualityReview]
            : [PhotoCreate, PhotoRead];
}
