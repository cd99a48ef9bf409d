using Microsoft.Extensions.Logging;
using Outpost;

namespace Shopfloor.Security;

/// <summary>
/// Answers "may device X do P on a document of department D". A device reads and writes only its own
/// department's data, and only with a permission it holds (the seed's authorizeOperation). Every denial is
/// logged. REST, sync rules and wire users all ask this one service.
/// </summary>
public sealed partial class DocumentAuthorizer
{
    private readonly ILogger<DocumentAuthorizer> _logger;

    public DocumentAuthorizer(ILogger<DocumentAuthorizer> logger) => _logger = logger;

    /// <summary>Decides; a denial is logged with device, session, permission and both departments.</summary>
    public AuthorizationDecision Authorize(DevicePrincipal? device, string permission, string? documentDepartmentId)
    {
        string? reason = null;
        if (device is null)
        {
            reason = "not signed in";
        }
        else if (!Permissions.All.Contains(permission))
        {
            reason = $"unknown permission '{permission}'";
        }
        else if (!device.Has(permission))
        {
            reason = $"department {device.DepartmentId} lacks {permission}";
        }
        else if (string.IsNullOrEmpty(documentDepartmentId))
        {
            // A document without a department belongs to nobody a device may touch.
            reason = "document has no department";
        }
        else if (!string.Equals(device.DepartmentId, documentDepartmentId, StringComparison.Ordinal))
        {
            reason = $"document belongs to department {documentDepartmentId}";
        }
        if (reason is null)
        {
            return AuthorizationDecision.Allow;
        }
        LogDenied(_logger, device?.DeviceId ?? "(anonymous)", device?.SessionId ?? "-", permission,
            device?.DepartmentId ?? "-", documentDepartmentId ?? "-", reason);
        return new AuthorizationDecision(false, reason);
    }

    /// <summary>As <see cref="Authorize"/>, throwing MongoDB's Unauthorized (13) on denial.</summary>
    public void Demand(DevicePrincipal? device, string permission, string? documentDepartmentId)
    {
        var decision = Authorize(device, permission, documentDepartmentId);
        if (!decision.Allowed)
        {
            throw new MongoException(ErrorCodes.Unauthorized, $"not authorized to {permission}: {decision.Reason}");
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Denied {Permission} to device {DeviceId} (session {SessionId}, department {DeviceDepartment}) on a document of department {DocumentDepartment}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string deviceId, string sessionId, string permission, string deviceDepartment, string documentDepartment, string reason);
}
