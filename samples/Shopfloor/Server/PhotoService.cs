using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Mapping;
using Shopfloor.Security;
using Shopfloor.Validation;

namespace Shopfloor.Server;

/// <summary>
/// Photo create/read/update/delete for signed-in devices (the seed's PhotoRepository behind the REST API). Every
/// call asks <see cref="DocumentAuthorizer"/> first; notes and location are encrypted before they are stored and
/// decrypted only for a reader the authorizer allows. A write is validated once (decision 025): the photos collection
/// validator (installed by <see cref="ShopfloorServices.CreateAsync"/>, the only place this service is built) checks
/// the stored form on every path, and its 121 errInfo is mapped back to field-named violations
/// (<see cref="ErrInfoViolations"/>); the C# rules here check only what it cannot see — department and project rules
/// and the clear text of the encrypted fields — and, when those fail, run in full so the error still names every field.
/// </summary>
public sealed class PhotoService
{
    private static readonly HashSet<string> ServerManaged = new(StringComparer.Ordinal) { "createdAt", "updatedAt", "auditTrail" };

    private readonly Collection _photos;
    private readonly Collection _departments;
    private readonly Collection _projects;
    private readonly ShopfloorSchemas _schemas;
    private readonly DocumentAuthorizer _authorizer;
    private readonly PhotoFieldProtector _protector;
    private readonly TimeProvider _time;

    public PhotoService(Database database, ShopfloorSchemas schemas, DocumentAuthorizer authorizer, PhotoFieldProtector protector, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _photos = database.GetCollection(CollectionNames.Photos);
        _departments = database.GetCollection(CollectionNames.Departments);
        _projects = database.GetCollection(CollectionNames.Projects);
        _schemas = schemas;
        _authorizer = authorizer;
        _protector = protector;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The protector (for search and dashboard results).</summary>
    internal PhotoFieldProtector Protector => _protector;

    /// <summary>
    /// Creates a photo (the seed's create): adds <c>_id</c> when missing, stamps createdAt/updatedAt, fills the
    /// zod defaults (syncAttempts 0, defectsFound [], auditTrail []), appends a "created" audit entry, validates
    /// (121 naming every field), encrypts, inserts, and returns the photo as its creator reads it.
    /// </summary>
    public async Task<BsonDocument> CreateAsync(DevicePrincipal device, BsonDocument input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        _authorizer.Demand(device, Permissions.PhotoCreate, StringOf(input, "departmentId"));
        var now = _time.GetUtcNow().UtcDateTime;
        var doc = input.DeepClone();
        if (!doc.Contains("_id"))
        {
            doc.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
        }
        foreach (var name in ServerManaged)
        {
            doc.Remove(name);
        }
        doc.Set("createdAt", now).Set("updatedAt", now);
        if (!doc.Contains("syncAttempts"))
        {
            doc.Set("syncAttempts", 0);
        }
        if (doc.TryGetValue("metadata", out var m) && m is BsonDocument metadata && !metadata.Contains("defectsFound"))
        {
            metadata.Set("defectsFound", new BsonArray());
        }
        doc.Set("auditTrail", new BsonArray { AuditEntry("created", now, device, null) });

        var department = await _departments.FindOneAsync(new BsonDocument("_id", device.DepartmentId), cancellationToken: cancellationToken).ConfigureAwait(false);
        var project = department is not null && doc.TryGetValue("projectId", out var pid) && pid is BsonObjectId
            ? await _projects.FindOneAsync(new BsonDocument("_id", pid), cancellationToken: cancellationToken).ConfigureAwait(false)
            : null;
        var departmentInfo = department is null ? null : DepartmentMapper.FromBson(department);
        var projectInfo = project is null ? null : ProjectMapper.FromBson(project);
        // Validated once: here only what the collection validator cannot see (department and project rules, the clear
        // text of the fields stored encrypted); the validator checks the stored form during the insert. When either
        // refuses, the error names every violated field — the C# rules on the first path, errInfo on the second.
        if (!_schemas.PhotoRules.ValidateBeyondCollectionValidator(doc, departmentInfo, projectInfo).IsValid)
        {
            (departmentInfo is null ? _schemas.PhotoRules.Validate(doc) : _schemas.PhotoRules.ValidateForCapture(doc, departmentInfo, projectInfo))
                .ThrowIfInvalid(CollectionNames.Photos);
        }

        var stored = _protector.Protect(doc);
        var written = await _photos.InsertAsync([stored], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (written.WriteErrors is [{ Code: ErrorCodes.DocumentValidationFailure, Details: { } details }] && details.TryGetValue("errInfo", out var errInfo) && errInfo is BsonDocument info)
        {
            ErrInfoViolations.From(info).ThrowIfInvalid(CollectionNames.Photos);
        }
        written.ThrowOnError();
        return _protector.Decrypt(stored);
    }

    /// <summary>The photo as <paramref name="device"/> may read it, or null when it does not exist (13 when it belongs to another department).</summary>
    public async Task<BsonDocument?> GetAsync(DevicePrincipal device, ObjectId id, CancellationToken cancellationToken = default)
    {
        var stored = await _photos.FindOneAsync(new BsonDocument("_id", id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return stored is null ? null : _protector.Unprotect(stored, device, _authorizer);
    }

    /// <summary>Largest page <see cref="FindByDepartmentAsync"/> returns.</summary>
    public const int MaxDepartmentPageSize = 200;

    /// <summary>
    /// The seed's <c>findByDepartment</c> as a production list read: one page of the department's photos, newest
    /// first, as list rows. The seed's repository returns every photo of the department, whole (its findMany passes
    /// no options), which grows without bound with the plant's history and decrypts notes the list never shows. Here
    /// the <c>{departmentId: 1, capturedAt: -1}</c> index serves both the filter and the order (an index scan that
    /// stops after <paramref name="limit"/> keys past the skipped ones, no in-memory sort), and the projection leaves
    /// out what a list does not show: the audit trail, device details and the encrypted notes and location (so no
    /// per-row decryption; <see cref="GetAsync"/> returns the whole photo). Needs photo:read on the department.
    /// Pages are 1-based; equal capture times keep the index's order (by <c>_id</c>), so pages do not overlap.
    /// </summary>
    public async Task<List<BsonDocument>> FindByDepartmentAsync(DevicePrincipal device, string departmentId, int page = 1, int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(departmentId);
        if (page < 1 || limit < 1 || limit > MaxDepartmentPageSize)
        {
            throw new MongoException(ErrorCodes.BadValue, $"page must be ≥ 1 and limit 1–{MaxDepartmentPageSize}");
        }
        _authorizer.Demand(device, Permissions.PhotoRead, departmentId);
        var options = new FindOptions
        {
            Filter = new BsonDocument("departmentId", departmentId),
            Sort = new BsonDocument("capturedAt", -1),
            Projection = DepartmentListProjection(),
            Skip = (long)(page - 1) * limit,
            Limit = limit,
        };
        return await _photos.FindListAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The fields a department list leaves out (an exclusion, so new list fields need no change here).</summary>
    internal static BsonDocument DepartmentListProjection() => new()
    {
        { "auditTrail", 0 },
        { "metadata.deviceInfo", 0 },
        { "metadata.inspectorNotes", 0 },
        { "metadata.location", 0 },
    };

    /// <summary>The stored form (encrypted fields as ciphertext), for diagnostics and tests.</summary>
    public Task<BsonDocument?> GetStoredAsync(ObjectId id, CancellationToken cancellationToken = default) =>
        _photos.FindOneAsync(new BsonDocument("_id", id), cancellationToken: cancellationToken);

    /// <summary>
    /// Partial update (the seed's PhotoMetadataUpdateSchema + repository update): the body is a partial photo — a
    /// plain document of top-level fields or <c>{ $set: { … } }</c>. <c>_id</c> may not change; createdAt,
    /// updatedAt and auditTrail are server-managed; lastModified defaults to now; updatedAt is stamped; an
    /// "updated" audit entry naming the fields is pushed. The clear text of encrypted fields is checked here, the
    /// merged photo by the collection validator (every violation named from its errInfo). Needs photo:update on the photo's department
    /// (and on the target department when it changes); changing metadata.qualityRating also needs quality:review.
    /// Returns null when the photo does not exist.
    /// </summary>
    public async Task<BsonDocument?> UpdateAsync(DevicePrincipal device, ObjectId id, BsonDocument body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var patch = ReadPatch(body, id);
        var existing = await _photos.FindOneAsync(new BsonDocument("_id", id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            _authorizer.Demand(device, Permissions.PhotoUpdate, device?.DepartmentId);
            return null;
        }
        var department = StringOf(existing, "departmentId");
        _authorizer.Demand(device, Permissions.PhotoUpdate, department);
        if (patch.TryGetValue("departmentId", out var target) && !BsonComparer.Instance.Equals(target, existing["departmentId"]))
        {
            _authorizer.Demand(device, Permissions.PhotoUpdate, target as BsonString is { } t ? t.Value : null);
        }
        if (patch.TryGetValue("metadata", out var newMetadata) && QualityChanges(existing, newMetadata))
        {
            _authorizer.Demand(device, Permissions.QualityReview, department);
        }

        if (patch.TryGetValue("metadata", out var clearMetadata) && clearMetadata is BsonDocument)
        {
            // The validator sees the encrypted fields' ciphertext only: their clear text is checked here.
            var probe = new BsonDocument("metadata", clearMetadata);
            if (!_schemas.PhotoRules.ValidateBeyondCollectionValidator(probe, null).IsValid)
            {
                var merged = existing.DeepClone();
                foreach (var element in patch)
                {
                    merged.Set(element.Name, element.Value);
                }
                _schemas.PhotoRules.Validate(merged).ThrowIfInvalid(CollectionNames.Photos);
            }
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (!patch.Contains("lastModified"))
        {
            patch.Set("lastModified", now);
        }
        patch.Set("updatedAt", now);
        if (patch.TryGetValue("metadata", out var md) && md is BsonDocument)
        {
            var protectedMetadata = _protector.Protect(new BsonDocument { { "_id", id }, { "metadata", md } })["metadata"];
            patch.Set("metadata", protectedMetadata);
        }

        var fields = new BsonArray();
        foreach (var element in body.Contains("$set") ? body["$set"].AsDocument : body)
        {
            fields.Add(element.Name);
        }
        var update = new BsonDocument
        {
            { "$set", patch },
            { "$push", new BsonDocument("auditTrail", AuditEntry("updated", now, device!, new BsonDocument("fields", fields))) },
        };
        FindAndModifyResult result;
        try
        {
            result = await _photos.FindAndModifyAsync(new FindAndModifyOptions
            {
                Query = new BsonDocument { { "_id", id }, { "departmentId", existing["departmentId"] } },
                Update = update,
                ReturnNew = true,
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoException ex) when (ErrInfoViolations.From(ex) is { IsValid: false } violations)
        {
            // The collection validator refused the updated photo: name every field it reported.
            violations.ThrowIfInvalid(CollectionNames.Photos);
            throw;
        }
        return result.Value is null ? null : _protector.Decrypt(result.Value);
    }

    /// <summary>Deletes a photo (photo:delete on its department); false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(DevicePrincipal device, ObjectId id, CancellationToken cancellationToken = default)
    {
        var existing = await _photos.FindOneAsync(new BsonDocument("_id", id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            _authorizer.Demand(device, Permissions.PhotoDelete, device?.DepartmentId);
            return false;
        }
        _authorizer.Demand(device, Permissions.PhotoDelete, StringOf(existing, "departmentId"));
        var result = (await _photos.DeleteAsync([new DeleteStatement { Filter = new BsonDocument { { "_id", id }, { "departmentId", existing["departmentId"] } }, Limit = 1 }],
            cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
        return result.N == 1;
    }

    private static BsonDocument ReadPatch(BsonDocument body, ObjectId id)
    {
        BsonDocument source = body;
        if (body.ElementCount > 0 && body.GetElement(0).Name.StartsWith('$'))
        {
            if (body.ElementCount != 1 || body.GetElement(0).Name != "$set" || body["$set"] is not BsonDocument set)
            {
                throw new MongoException(ErrorCodes.BadValue, "a photo update is a partial photo or { $set: { … } }; other operators are not accepted");
            }
            source = set;
        }
        var patch = new BsonDocument();
        foreach (var element in source)
        {
            if (element.Name.Contains('.', StringComparison.Ordinal) || element.Name.StartsWith('$'))
            {
                throw new MongoException(ErrorCodes.BadValue, $"'{element.Name}': update top-level photo fields (send the whole metadata object)");
            }
            if (element.Name == "_id")
            {
                if (!BsonComparer.Instance.Equals(element.Value, new BsonObjectId(id)))
                {
                    throw new MongoException(ErrorCodes.ImmutableField, "_id cannot change");
                }
                continue;
            }
            if (ServerManaged.Contains(element.Name))
            {
                throw new MongoException(ErrorCodes.ImmutableField, $"'{element.Name}' is maintained by the server");
            }
            patch.Add(element.Name, element.Value switch { BsonDocument d => d.DeepClone(), BsonArray a => a.DeepClone(), var v => v });
        }
        if (patch.ElementCount == 0)
        {
            throw new MongoException(ErrorCodes.BadValue, "the update names no field");
        }
        return patch;
    }

    private static bool QualityChanges(BsonDocument existing, BsonValue newMetadata)
    {
        BsonValue? before = existing.TryGetValue("metadata", out var m) && m is BsonDocument md && md.TryGetValue("qualityRating", out var q) ? q : null;
        BsonValue? after = newMetadata is BsonDocument nm && nm.TryGetValue("qualityRating", out var q2) ? q2 : null;
        return before is null ? after is not null : after is null || BsonComparer.Instance.Compare(before, after) != 0;
    }

    private static BsonDocument AuditEntry(string action, DateTime at, DevicePrincipal device, BsonDocument? details)
    {
        var entry = new BsonDocument
        {
            { "action", action },
            { "timestamp", at },
            { "userId", device.DeviceId },
            { "deviceId", device.DeviceId },
        };
        var d = details ?? new BsonDocument();
        d.Set("sessionId", device.SessionId);
        entry.Add("details", d);
        return entry;
    }

    internal static string? StringOf(BsonDocument doc, string name) => doc.TryGetValue(name, out var v) && v is BsonString s ? s.Value : null;
}
