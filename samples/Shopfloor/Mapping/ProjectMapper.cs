using Outpost.Bson;
using Shopfloor.Domain;

namespace Shopfloor.Mapping;

/// <summary>Project ⇄ BSON with the seed's camelCase names.</summary>
public static class ProjectMapper
{
    public static BsonDocument ToBson(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var parts = new BsonArray(project.Parts.Count);
        foreach (var part in project.Parts)
        {
            var p = new BsonDocument { { "id", part.Id }, { "name", part.Name }, { "partNumber", part.PartNumber } };
            if (part.Description is not null)
            {
                p.Add("description", part.Description);
            }
            p.Add("requiredPhotos", part.RequiredPhotos);
            if (part.Specifications is not null)
            {
                p.Add("specifications", part.Specifications.DeepClone());
            }
            parts.Add(p);
        }
        var m = project.Metadata;
        var metadata = new BsonDocument();
        if (m.EstimatedPhotos is { } est)
        {
            metadata.Add("estimatedPhotos", est);
        }
        metadata.Add("actualPhotos", m.ActualPhotos);
        if (m.QualityScore is { } score)
        {
            metadata.Add("qualityScore", score);
        }
        if (m.Notes is not null)
        {
            metadata.Add("notes", m.Notes);
        }
        var doc = new BsonDocument
        {
            { "_id", project.Id },
            { "jobNumber", project.JobNumber },
            { "name", project.Name },
            { "client", project.Client },
            { "status", WireNames.Of(project.Status) },
            { "priority", WireNames.Of(project.Priority) },
            { "departments", BsonRead.ToArray(project.Departments) },
            { "startDate", BsonRead.ToBson(project.StartDate) },
            { "expectedEndDate", BsonRead.ToBson(project.ExpectedEndDate) },
        };
        if (project.ActualEndDate is { } actual)
        {
            doc.Add("actualEndDate", BsonRead.ToBson(actual));
        }
        doc.Add("parts", parts);
        doc.Add("metadata", metadata);
        doc.Add("createdAt", BsonRead.ToBson(project.CreatedAt));
        doc.Add("updatedAt", BsonRead.ToBson(project.UpdatedAt));
        return doc;
    }

    public static Project FromBson(BsonDocument d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var parts = new List<ProjectPart>();
        foreach (var item in d["parts"].AsArray)
        {
            var p = item.AsDocument;
            parts.Add(new ProjectPart
            {
                Id = BsonRead.String(p, "id"),
                Name = BsonRead.String(p, "name"),
                PartNumber = BsonRead.String(p, "partNumber"),
                Description = BsonRead.OptionalString(p, "description"),
                RequiredPhotos = BsonRead.Int(p, "requiredPhotos", 1),
                Specifications = BsonRead.OptionalDocument(p, "specifications")?.DeepClone(),
            });
        }
        var m = d["metadata"].AsDocument;
        return new Project
        {
            Id = d["_id"].AsObjectId,
            JobNumber = BsonRead.String(d, "jobNumber"),
            Name = BsonRead.String(d, "name"),
            Client = BsonRead.String(d, "client"),
            Status = WireNames.ParseProjectStatus(BsonRead.String(d, "status")),
            Priority = d.TryGetValue("priority", out var pr) ? WireNames.ParseProjectPriority(pr.AsString) : ProjectPriority.Medium,
            Departments = BsonRead.Strings(d, "departments"),
            StartDate = BsonRead.Date(d, "startDate"),
            ExpectedEndDate = BsonRead.Date(d, "expectedEndDate"),
            ActualEndDate = BsonRead.OptionalDate(d, "actualEndDate"),
            Parts = parts,
            Metadata = new ProjectMetadata
            {
                EstimatedPhotos = BsonRead.OptionalInt(m, "estimatedPhotos"),
                ActualPhotos = BsonRead.Int(m, "actualPhotos", 0),
                QualityScore = BsonRead.OptionalDouble(m, "qualityScore"),
                Notes = BsonRead.OptionalString(m, "notes"),
            },
            CreatedAt = BsonRead.Date(d, "createdAt"),
            UpdatedAt = BsonRead.Date(d, "updatedAt"),
        };
    }
}
