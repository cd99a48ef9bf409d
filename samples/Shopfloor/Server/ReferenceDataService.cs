using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Validation;

namespace Shopfloor.Server;

/// <summary>
/// Departments and projects: read by any signed-in device (projects only when they involve the device's
/// department), written by an administrator. Writes follow the photo rules: server-stamped createdAt/updatedAt,
/// partial updates merged and validated whole (every violation named) before the engine validates again.
/// </summary>
public sealed class ReferenceDataService
{
    private readonly Collection _departments;
    private readonly Collection _projects;
    private readonly ShopfloorSchemas _schemas;
    private readonly TimeProvider _time;

    public ReferenceDataService(Database database, ShopfloorSchemas schemas, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _departments = database.GetCollection(CollectionNames.Departments);
        _projects = database.GetCollection(CollectionNames.Projects);
        _schemas = schemas;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>All departments, by id.</summary>
    public Task<List<BsonDocument>> ListDepartmentsAsync(CancellationToken cancellationToken = default) =>
        _departments.FindListAsync(new FindOptions { Sort = new BsonDocument("_id", 1) }, cancellationToken: cancellationToken);

    /// <summary>One department or null.</summary>
    public Task<BsonDocument?> GetDepartmentAsync(string id, CancellationToken cancellationToken = default) =>
        _departments.FindOneAsync(new BsonDocument("_id", id), cancellationToken: cancellationToken);

    /// <summary>Creates a department (11000 when it exists).</summary>
    public Task<BsonDocument> CreateDepartmentAsync(BsonDocument input, CancellationToken cancellationToken = default) =>
        CreateAsync(_departments, input, _schemas.DepartmentRules.Validate, CollectionNames.Departments, generateId: false, cancellationToken);

    /// <summary>Partial update of a department; null when missing.</summary>
    public Task<BsonDocument?> UpdateDepartmentAsync(string id, BsonDocument patch, CancellationToken cancellationToken = default) =>
        UpdateAsync(_departments, id, patch, _schemas.DepartmentRules.Validate, CollectionNames.Departments, cancellationToken);

    /// <summary>Deletes a department; false when missing.</summary>
    public Task<bool> DeleteDepartmentAsync(string id, CancellationToken cancellationToken = default) => DeleteAsync(_departments, id, cancellationToken);

    /// <summary>Projects, optionally only those involving a department, newest start first.</summary>
    public Task<List<BsonDocument>> ListProjectsAsync(string? departmentId, CancellationToken cancellationToken = default) =>
        _projects.FindListAsync(new FindOptions
        {
            Filter = departmentId is null ? [] : new BsonDocument("departments", departmentId),
            Sort = new BsonDocument { { "startDate", -1 }, { "_id", 1 } },
        }, cancellationToken: cancellationToken);

    /// <summary>One project or null.</summary>
    public Task<BsonDocument?> GetProjectAsync(ObjectId id, CancellationToken cancellationToken = default) =>
        _projects.FindOneAsync(new BsonDocument("_id", id), cancellationToken: cancellationToken);

    /// <summary>Creates a project (11000 on a duplicate job number).</summary>
    public Task<BsonDocument> CreateProjectAsync(BsonDocument input, CancellationToken cancellationToken = default) =>
        CreateAsync(_projects, input, _schemas.ProjectRules.Validate, CollectionNames.Projects, generateId: true, cancellationToken);

    /// <summary>Partial update of a project; null when missing.</summary>
    public Task<BsonDocument?> UpdateProjectAsync(ObjectId id, BsonDocument patch, CancellationToken cancellationToken = default) =>
        UpdateAsync(_projects, id, patch, _schemas.ProjectRules.Validate, CollectionNames.Projects, cancellationToken);

    /// <summary>Deletes a project; false when missing.</summary>
    public Task<bool> DeleteProjectAsync(ObjectId id, CancellationToken cancellationToken = default) => DeleteAsync(_projects, id, cancellationToken);

    private async Task<BsonDocument> CreateAsync(Collection collection, BsonDocument input, Func<BsonDocument, ValidationResult> validate, string name, bool generateId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var doc = input.DeepClone();
        if (generateId && !doc.Contains("_id"))
        {
            doc.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
        }
        var now = _time.GetUtcNow().UtcDateTime;
        doc.Set("createdAt", now).Set("updatedAt", now);
        validate(doc).ThrowIfInvalid(name);
        (await collection.InsertAsync([doc], cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
        return doc;
    }

    private async Task<BsonDocument?> UpdateAsync(Collection collection, BsonValue id, BsonDocument body, Func<BsonDocument, ValidationResult> validate, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var source = body.Contains("$set") && body.ElementCount == 1 ? body["$set"].AsDocument : body;
        var patch = new BsonDocument();
        foreach (var element in source)
        {
            if (element.Name.StartsWith('$') || element.Name.Contains('.', StringComparison.Ordinal))
            {
                throw new MongoException(ErrorCodes.BadValue, $"'{element.Name}': send top-level fields");
            }
            if (element.Name is "_id" or "createdAt" or "updatedAt")
            {
                throw new MongoException(ErrorCodes.ImmutableField, $"'{element.Name}' cannot be set");
            }
            patch.Add(element.Name, element.Value);
        }
        var existing = await collection.FindOneAsync(new BsonDocument("_id", id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }
        patch.Set("updatedAt", _time.GetUtcNow().UtcDateTime);
        var merged = existing.DeepClone();
        foreach (var element in patch)
        {
            merged.Set(element.Name, element.Value);
        }
        validate(merged).ThrowIfInvalid(name);
        var result = await collection.FindAndModifyAsync(new FindAndModifyOptions
        {
            Query = new BsonDocument("_id", id),
            Update = new BsonDocument("$set", patch),
            ReturnNew = true,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    private static async Task<bool> DeleteAsync(Collection collection, BsonValue id, CancellationToken cancellationToken) =>
        (await collection.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", id), Limit = 1 }], cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError().N == 1;
}
