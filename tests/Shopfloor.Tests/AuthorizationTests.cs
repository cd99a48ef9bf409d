using Outpost;
using Shopfloor.Domain;
using Shopfloor.Security;

namespace Shopfloor.Tests;

public sealed class AuthorizationTests
{
    private static readonly DevicePrincipal PaintDevice = new("tablet-p", Departments.Paint.Id, "PNT", Permissions.ForDepartment(Departments.Paint.Id), "s1");
    private static readonly DevicePrincipal QaDevice = new("tablet-q", Departments.QaQc.Id, "QAC", Permissions.ForDepartment(Departments.QaQc.Id), "s2");

    [Theory]
    // PAINT device on QA/QC documents: everything refused.
    [InlineData("paint", "QA", Permissions.PhotoCreate, false)]
    [InlineData("paint", "QA", Permissions.PhotoRead, false)]
    [InlineData("paint", "QA", Permissions.PhotoUpdate, false)]
    [InlineData("paint", "QA", Permissions.PhotoDelete, false)]
    [InlineData("paint", "QA", Permissions.QualityReview, false)]
    // PAINT device on its own documents: create and read only.
    [InlineData("paint", "PAINT", Permissions.PhotoCreate, true)]
    [InlineData("paint", "PAINT", Permissions.PhotoRead, true)]
    [InlineData("paint", "PAINT", Permissions.PhotoUpdate, false)]
    [InlineData("paint", "PAINT", Permissions.PhotoDelete, false)]
    [InlineData("paint", "PAINT", Permissions.QualityReview, false)]
    // QA/QC device on its own documents: everything.
    [InlineData("qa", "QA", Permissions.PhotoCreate, true)]
    [InlineData("qa", "QA", Permissions.PhotoRead, true)]
    [InlineData("qa", "QA", Permissions.PhotoUpdate, true)]
    [InlineData("qa", "QA", Permissions.PhotoDelete, true)]
    [InlineData("qa", "QA", Permissions.QualityReview, true)]
    // QA/QC device on PAINT documents: refused (a device touches only its own department's data).
    [InlineData("qa", "PAINT", Permissions.PhotoRead, false)]
    [InlineData("qa", "PAINT", Permissions.PhotoUpdate, false)]
    [InlineData("qa", "PAINT", Permissions.QualityReview, false)]
    public void Matrix(string device, string documentDepartment, string permission, bool allowed)
    {
        var log = new ListLogger<DocumentAuthorizer>();
        var authorizer = new DocumentAuthorizer(log);
        var decision = authorizer.Authorize(device == "paint" ? PaintDevice : QaDevice, permission, documentDepartment);
        Assert.Equal(allowed, decision.Allowed);
        if (allowed)
        {
            Assert.Empty(log.Entries);
        }
        else
        {
            var entry = Assert.Single(log.Entries);
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, entry.Level);
            Assert.Contains(permission, entry.Message, StringComparison.Ordinal);
            Assert.Contains(device == "paint" ? "tablet-p" : "tablet-q", entry.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Anonymous_unknown_permission_and_department_less_documents_are_refused_and_logged()
    {
        var log = new ListLogger<DocumentAuthorizer>();
        var authorizer = new DocumentAuthorizer(log);
        Assert.False(authorizer.Authorize(null, Permissions.PhotoRead, "PAINT").Allowed);
        Assert.False(authorizer.Authorize(QaDevice, "admin:all", "QA").Allowed);
        Assert.False(authorizer.Authorize(QaDevice, Permissions.PhotoRead, null).Allowed);
        Assert.Equal(3, log.Entries.Count);
    }

    [Fact]
    public void Demand_throws_Unauthorized()
    {
        var authorizer = new DocumentAuthorizer(new ListLogger<DocumentAuthorizer>());
        var ex = Assert.Throws<MongoException>(() => authorizer.Demand(PaintDevice, Permissions.PhotoRead, "QA"));
        Assert.Equal(ErrorCodes.Unauthorized, ex.Code);
    }
}
