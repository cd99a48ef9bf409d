using Outpost.Bson;
using Shopfloor.Domain;

namespace Shopfloor.Mapping;

/// <summary>
/// Photo ⇄ BSON with the seed's camelCase names. Reads the clear-text form: decrypt protected fields first
/// (<c>PhotoFieldProtector</c>), or FromBson fails on the binary ciphertext.
/// </summary>
public static class PhotoMapper
{
    public static BsonDocument ToBson(Photo photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var doc = new BsonDocument
        {
            { "_id", photo.Id },
            { "localPath", photo.LocalPath },
        };
        if (photo.RemoteUrl is not null)
        {
            doc.Add("remoteUrl", photo.RemoteUrl);
        }
        doc.Add("fileName", photo.FileName);
        doc.Add("departmentId", photo.DepartmentId);
        doc.Add("projectId", photo.ProjectId);
        doc.Add("partId", photo.PartId);
        doc.Add("jobNumber", photo.JobNumber);
        doc.Add("capturedAt", BsonRead.ToBson(photo.CapturedAt));
        if (photo.SyncedAt is { } synced)
        {
            doc.Add("syncedAt", BsonRead.ToBson(synced));
        }
        doc.Add("lastModified", BsonRead.ToBson(photo.LastModified));
        doc.Add("fileSize", photo.FileSize);
        doc.Add("mimeType", photo.MimeType);
        doc.Add("checksumMD5", photo.ChecksumMD5);
        doc.Add("syncStatus", WireNames.Of(photo.SyncStatus));
        doc.Add("syncAttempts", photo.SyncAttempts);
        doc.Add("metadata", MetadataToBson(photo.Metadata));
        var audit = new BsonArray(photo.AuditTrail.Count);
        foreach (var entry in photo.AuditTrail)
        {
            var e = new BsonDocument
            {
                { "action", WireNames.Of(entry.Action) },
                { "timestamp", BsonRead.ToBson(entry.Timestamp) },
                { "userId", entry.UserId },
                { "deviceId", entry.DeviceId },
            };
            if (entry.Details is not null)
            {
                e.Add("details", entry.Details.DeepClone());
            }
            audit.Add(e);
        }
        doc.Add("auditTrail", audit);
        return doc;
    }

    /// <summary>The BSON form of a location (used by the mapper and by field encryption).</summary>
    public static BsonDocument LocationToBson(GeoLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var doc = new BsonDocument { { "latitude", location.Latitude }, { "longitude", location.Longitude } };
        if (location.Accuracy is { } accuracy)
        {
            doc.Add("accuracy", accuracy);
        }
        return doc;
    }

    private static BsonDocument MetadataToBson(InspectionMetadata m)
    {
        var doc = new BsonDocument { { "inspectionType", m.InspectionType } };
        if (m.QualityRating is { } rating)
        {
            doc.Add("qualityRating", rating);
        }
        doc.Add("defectsFound", BsonRead.ToArray(m.DefectsFound));
        if (m.InspectorNotes is not null)
        {
            doc.Add("inspectorNotes", m.InspectorNotes);
        }
        if (m.MachineId is not null)
        {
            doc.Add("machineId", m.MachineId);
        }
        if (m.BatchNumber is not null)
        {
            doc.Add("batchNumber", m.BatchNumber);
        }
        if (m.Location is not null)
        {
            doc.Add("location", LocationToBson(m.Location));
        }
        var d = m.DeviceInfo;
        var c = d.CameraSettings;
        doc.Add("deviceInfo", new BsonDocument
        {
            { "deviceId", d.DeviceId },
            { "model", d.Model },
            { "osVersion", d.OsVersion },
            { "appVersion", d.AppVersion },
            { "cameraSettings", new BsonDocument
                {
                    { "quality", c.Quality },
                    { "flash", WireNames.Of(c.Flash) },
                    { "resolution", new BsonDocument { { "width", c.Resolution.Width }, { "height", c.Resolution.Height } } },
                }
            },
        });
        return doc;
    }

    public static Photo FromBson(BsonDocument d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var audit = new List<AuditEntry>();
        if (d.TryGetValue("auditTrail", out var trail))
        {
            foreach (var item in trail.AsArray)
            {
                var e = item.AsDocument;
                audit.Add(new AuditEntry(
                    WireNames.ParseAuditAction(BsonRead.String(e, "action")),
                    BsonRead.Date(e, "timestamp"),
                    BsonRead.String(e, "userId"),
                    BsonRead.String(e, "deviceId"),
                    BsonRead.OptionalDocument(e, "details")?.DeepClone()));
            }
        }
        return new Photo
        {
            Id = d["_id"].AsObjectId,
            LocalPath = BsonRead.String(d, "localPath"),
            RemoteUrl = BsonRead.OptionalString(d, "remoteUrl"),
            FileName = BsonRead.String(d, "fileName"),
            DepartmentId = BsonRead.String(d, "departmentId"),
            ProjectId = d["projectId"].AsObjectId,
            PartId = BsonRead.String(d, "partId"),
            JobNumber = BsonRead.String(d, "jobNumber"),
            CapturedAt = BsonRead.Date(d, "capturedAt"),
            SyncedAt = BsonRead.OptionalDate(d, "syncedAt"),
            LastModified = BsonRead.Date(d, "lastModified"),
            FileSize = d["fileSize"].ToInt64(),
            MimeType = BsonRead.String(d, "mimeType"),
            ChecksumMD5 = BsonRead.String(d, "checksumMD5"),
            SyncStatus = WireNames.ParseSyncStatus(BsonRead.String(d, "syncStatus")),
            SyncAttempts = BsonRead.Int(d, "syncAttempts", 0),
            Metadata = MetadataFromBson(d["metadata"].AsDocument),
            AuditTrail = audit,
        };
    }

    private static InspectionMetadata MetadataFromBson(BsonDocument m)
    {
        var dev = m["deviceInfo"].AsDocument;
        var cam = dev["cameraSettings"].AsDocument;
        var res = cam["resolution"].AsDocument;
        GeoLocation? location = null;
        if (m.TryGetValue("location", out var loc))
        {
            var l = loc.AsDocument;
            location = new GeoLocation(BsonRead.Double(l, "latitude"), BsonRead.Double(l, "longitude"), BsonRead.OptionalDouble(l, "accuracy"));
        }
        return new InspectionMetadata
        {
            InspectionType = BsonRead.String(m, "inspectionType"),
            QualityRating = BsonRead.OptionalInt(m, "qualityRating"),
            DefectsFound = BsonRead.Strings(m, "defectsFound"),
            InspectorNotes = BsonRead.OptionalString(m, "inspectorNotes"),
            MachineId = BsonRead.OptionalString(m, "machineId"),
            BatchNumber = BsonRead.OptionalString(m, "batchNumber"),
            Location = location,
            DeviceInfo = new DeviceInfo(
                BsonRead.String(dev, "deviceId"),
                BsonRead.String(dev, "model"),
                BsonRead.String(dev, "osVersion"),
                BsonRead.String(dev, "appVersion"),
                new CameraSettings(
                    checked((int)cam["quality"].ToInt64()),
                    WireNames.ParseFlashMode(BsonRead.String(cam, "flash")),
                    new Resolution(checked((int)res["width"].ToInt64()), checked((int)res["height"].ToInt64())))),
        };
    }
}
