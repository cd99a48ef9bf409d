using Outpost.Bson;
using Shopfloor.Domain;
using Shopfloor.Validation.Schema;

namespace Shopfloor.Validation;

/// <summary>
/// Every field and constraint of the seed's PhotoMetadataSchema, plus what the seed left implicit (MD5 is hex,
/// counts are non-negative integers, ids are non-empty, the department is one of the five). Fields with a zod
/// default (syncAttempts, defectsFound, auditTrail) are optional here: the mappers write the default.
/// </summary>
public sealed class PhotoRules
{
    private readonly EncryptableSchema _notes;
    private readonly EncryptableSchema _location;

    public PhotoRules()
    {
        var nonEmpty = new StringSchema(minLength: 1);
        var location = new ObjectSchema()
            .Required("latitude", new NumberSchema { Minimum = -90, Maximum = 90 })
            .Required("longitude", new NumberSchema { Minimum = -180, Maximum = 180 })
            .Optional("accuracy", new NumberSchema { Minimum = 0, ExclusiveMinimum = true });
        var resolution = new ObjectSchema()
            .Required("width", new NumberSchema { Integer = true, Minimum = 0, ExclusiveMinimum = true })
            .Required("height", new NumberSchema { Integer = true, Minimum = 0, ExclusiveMinimum = true });
        var camera = new ObjectSchema()
            .Required("quality", new NumberSchema { Integer = true, Minimum = 0, Maximum = 100 })
            .Required("flash", new StringSchema(allowed: WireNames.FlashModes))
            .Required("resolution", resolution);
        var device = new ObjectSchema()
            .Required("deviceId", nonEmpty)
            .Required("model", nonEmpty)
            .Required("osVersion", nonEmpty)
            .Required("appVersion", nonEmpty)
            .Required("cameraSettings", camera);
        _notes = new EncryptableSchema(new StringSchema(maxLength: 10_000));
        _location = new EncryptableSchema(location);
        var metadata = new ObjectSchema()
            .Required("inspectionType", nonEmpty)
            .Optional("qualityRating", new NumberSchema { Integer = true, Minimum = 1, Maximum = 10 })
            .Optional("defectsFound", new ArraySchema(nonEmpty))
            .Optional("inspectorNotes", _notes)
            .Optional("machineId", nonEmpty)
            .Optional("batchNumber", nonEmpty)
            .Optional("location", _location)
            .Required("deviceInfo", device);
        var audit = new ObjectSchema()
            .Required("action", new StringSchema(allowed: WireNames.AuditActions))
            .Required("timestamp", new DateSchema())
            .Required("userId", nonEmpty)
            .Required("deviceId", nonEmpty)
            .Optional("details", new FreeFormSchema());

        Schema = new ObjectSchema { Description = "Shopfloor photo (PhotoMetadataSchema)" }
            .Required("_id", new ObjectIdSchema())
            .Required("localPath", nonEmpty)
            .Optional("remoteUrl", new StringSchema(pattern: Patterns.WebUrl))
            .Required("fileName", new StringSchema(minLength: 1, maxLength: 255))
            .Required("departmentId", new StringSchema(allowed: Departments.Ids))
            .Required("projectId", new ObjectIdSchema())
            .Required("partId", nonEmpty)
            .Required("jobNumber", new StringSchema(minLength: 1, maxLength: 40, pattern: Patterns.JobNumber))
            .Required("capturedAt", new DateSchema())
            .Optional("syncedAt", new DateSchema())
            .Required("lastModified", new DateSchema())
            .Required("fileSize", new NumberSchema { Integer = true, Minimum = 0, ExclusiveMinimum = true })
            .Required("mimeType", new StringSchema(pattern: Patterns.ImageMimeType))
            .Required("checksumMD5", new StringSchema(minLength: 32, maxLength: 32, pattern: Patterns.Md5Hex))
            .Required("syncStatus", new StringSchema(allowed: WireNames.SyncStatuses))
            .Optional("syncAttempts", new NumberSchema { Integer = true, Minimum = 0 })
            .Required("metadata", metadata)
            .Optional("auditTrail", new ArraySchema(audit))
            .Optional("createdAt", new DateSchema())
            .Optional("updatedAt", new DateSchema());
        FieldPaths = Schema.EnumeratePaths();
    }

    /// <summary>The rule tree (also the source of the photos <c>$jsonSchema</c>).</summary>
    public ObjectSchema Schema { get; }

    /// <summary>Every dotted field path of a photo; department mandatory fields must be among them.</summary>
    public IReadOnlyList<string> FieldPaths { get; }

    /// <summary>Checks a photo document as it would be stored.</summary>
    public ValidationResult Validate(BsonDocument photo)
    {
        var violations = new List<Violation>();
        Schema.Validate(photo, "", violations);
        return new ValidationResult(violations);
    }

    /// <summary>
    /// The device-side check before a capture is saved: the stored-form rules, plus the rules that need the
    /// department and project documents (which a collection validator cannot see): GPS required, mandatory
    /// fields, the photo's department, and that the part and job number belong to the project.
    /// </summary>
    public ValidationResult ValidateForCapture(BsonDocument photo, Department department, Project? project = null)
    {
        var violations = new List<Violation>();
        Schema.Validate(photo, "", violations);
        AddCaptureContext(photo, department, project, violations);
        return new ValidationResult(violations);
    }

    /// <summary>
    /// Only what the photos collection validator cannot check, for a server write that the validator checks once
    /// (decision 025): the clear text of the fields stored encrypted (the validator sees their ciphertext) and, with a
    /// department, the rules of <see cref="ValidateForCapture"/> that need the department and project documents.
    /// </summary>
    public ValidationResult ValidateBeyondCollectionValidator(BsonDocument photo, Department? department, Project? project = null)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var violations = new List<Violation>();
        if (photo.TryGetValue("metadata", out var m) && m is BsonDocument metadata)
        {
            if (metadata.TryGetValue("inspectorNotes", out var notes))
            {
                _notes.Validate(notes, "metadata.inspectorNotes", violations);
            }
            if (metadata.TryGetValue("location", out var location))
            {
                _location.Validate(location, "metadata.location", violations);
            }
        }
        if (department is not null)
        {
            AddCaptureContext(photo, department, project, violations);
        }
        return new ValidationResult(violations);
    }

    private static void AddCaptureContext(BsonDocument photo, Department department, Project? project, List<Violation> violations)
    {
        if (!photo.TryGetValue("departmentId", out var dept) || dept is not BsonString ds || ds.Value != department.Id)
        {
            violations.Add(new Violation("departmentId", RuleNames.ProjectReference, $"must be the capturing department '{department.Id}'"));
        }
        if (department.Settings.RequireGpsLocation && !BsonPath.TryGet(photo, "metadata.location", out _))
        {
            violations.Add(new Violation("metadata.location", RuleNames.GpsRequired, $"department {department.Name} requires a GPS location"));
        }
        foreach (var field in department.Settings.MandatoryFields)
        {
            if (!BsonPath.TryGet(photo, field, out var value) || IsEmpty(value))
            {
                violations.Add(new Violation(field, RuleNames.MandatoryField, $"department {department.Name} makes this field mandatory"));
            }
        }
        if (project is not null)
        {
            CheckProject(photo, project, violations);
        }
    }

    private static void CheckProject(BsonDocument photo, Project project, List<Violation> violations)
    {
        if (photo.TryGetValue("projectId", out var pid) && pid is BsonObjectId oid && oid.Value != project.Id)
        {
            violations.Add(new Violation("projectId", RuleNames.ProjectReference, $"is not project {project.Id}"));
        }
        if (photo.TryGetValue("jobNumber", out var job) && job is BsonString js && js.Value != project.JobNumber)
        {
            violations.Add(new Violation("jobNumber", RuleNames.ProjectReference, $"must be the project's job number '{project.JobNumber}'"));
        }
        if (photo.TryGetValue("departmentId", out var dept) && dept is BsonString ds && !project.Departments.Contains(ds.Value))
        {
            violations.Add(new Violation("departmentId", RuleNames.ProjectReference, $"department '{ds.Value}' does not work on project {project.JobNumber}"));
        }
        if (photo.TryGetValue("partId", out var part) && part is BsonString ps && !project.Parts.Any(p => p.Id == ps.Value))
        {
            violations.Add(new Violation("partId", RuleNames.ProjectReference, $"part '{ps.Value}' is not in project {project.JobNumber}"));
        }
    }

    private static bool IsEmpty(BsonValue value) => value switch
    {
        BsonNull => true,
        BsonString s => s.Value.Length == 0,
        BsonArray a => a.Count == 0,
        _ => false,
    };
}
