namespace Shopfloor.Domain;

/// <summary>One of the five fixed shop-floor departments.</summary>
/// <param name="Id">The department id used as <c>departmentId</c> on photos and projects and as the department's <c>_id</c>.</param>
/// <param name="Name">The display name, one of the seed's enum values.</param>
/// <param name="Code">The 3-letter code typed at device sign-in.</param>
public sealed record DepartmentInfo(string Id, string Name, string Code);
