using Outpost.Bson;

namespace Shopfloor.Domain;

/// <summary>A quality photo and its metadata (collection <c>photos</c>; the seed's PhotoMetadataSchema).</summary>
public sealed record Photo
{
    public required ObjectId Id { get; init; }
    public required string LocalPath { get; init; }
    public string? RemoteUrl { get; init; }
    public required string FileName { get; init; }
    public required string DepartmentId { get; init; }
    public required ObjectId ProjectId { get; init; }
    public required string PartId { get; init; }
    public required string JobNumber { get; init; }
    public required DateTime CapturedAt { get; init; }
    public DateTime? SyncedAt { get; init; }
    public required DateTime LastModified { get; init; }
    /// <summary>Bytes, &gt; 0.</summary>
    public required long FileSize { get; init; }
    /// <summary>An <c>image/*</c> MIME type.</summary>
    public required string MimeType { get; init; }
    /// <summary>32 hex digits.</summary>
    public required string ChecksumMD5 { get; init; }
    public SyncStatus SyncStatus { get; init; } = SyncStatus.Pending;
    public int SyncAttempts { get; init; }
    public required InspectionMetadata Metadata { get; init; }
    public IReadOnlyList<AuditEntry> AuditTrail { get; init; } = [];
}
