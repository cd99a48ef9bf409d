using Outpost.Bson;

namespace Shopfloor.Domain;

/// <summary>One line of a photo's audit trail.</summary>
public sealed record AuditEntry(AuditAction Action, DateTime Timestamp, string UserId, string DeviceId, BsonDocument? Details = null);
