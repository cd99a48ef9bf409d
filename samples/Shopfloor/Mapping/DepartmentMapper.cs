using Outpost.Bson;
using Shopfloor.Domain;

namespace Shopfloor.Mapping;

/// <summary>Department ⇄ BSON with the seed's camelCase names (note the seed's <c>requireGPSLocation</c>).</summary>
public static class DepartmentMapper
{
    public static BsonDocument ToBson(Department department)
    {
        ArgumentNullException.ThrowIfNull(department);
        var s = department.Settings;
        return new BsonDocument
        {
            { "_id", department.Id },
            { "name", department.Name },
            { "code", department.Code },
            { "active", department.Active },
            { "syncPolicy", WireNames.Of(department.SyncPolicy) },
            { "syncFrequencyMinutes", department.SyncFrequencyMinutes },
            { "settings", new BsonDocument
                {
                    { "maxPhotosPerSession", s.MaxPhotosPerSession },
                    { "compressionQuality", s.CompressionQuality },
                    { "requireGPSLocation", s.RequireGpsLocation },
                    { "mandatoryFields", BsonRead.ToArray(s.MandatoryFields) },
                    { "photoRetentionDays", s.PhotoRetentionDays },
                }
            },
            { "createdAt", BsonRead.ToBson(department.CreatedAt) },
            { "updatedAt", BsonRead.ToBson(department.UpdatedAt) },
        };
    }

    /// <summary>Reads a department; absent defaulted fields take the seed's defaults.</summary>
    public static Department FromBson(BsonDocument d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var s = d["settings"].AsDocument;
        return new Department
        {
            Id = BsonRead.String(d, "_id"),
            Name = BsonRead.String(d, "name"),
            Code = BsonRead.String(d, "code"),
            Active = BsonRead.Bool(d, "active", true),
            SyncPolicy = d.TryGetValue("syncPolicy", out var p) ? WireNames.ParseSyncPolicy(p.AsString) : SyncPolicy.Batch,
            SyncFrequencyMinutes = BsonRead.OptionalDouble(d, "syncFrequencyMinutes") ?? 15,
            Settings = new DepartmentSettings
            {
                MaxPhotosPerSession = BsonRead.Int(s, "maxPhotosPerSession", 100),
                CompressionQuality = BsonRead.Int(s, "compressionQuality", 90),
                RequireGpsLocation = BsonRead.Bool(s, "requireGPSLocation", false),
                MandatoryFields = BsonRead.Strings(s, "mandatoryFields"),
                PhotoRetentionDays = BsonRead.Int(s, "photoRetentionDays", 365),
            },
            CreatedAt = BsonRead.Date(d, "createdAt"),
            UpdatedAt = BsonRead.Date(d, "updatedAt"),
        };
    }
}
