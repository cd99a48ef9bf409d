using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Security;

namespace Shopfloor.Server.Stores;

/// <summary>Department PIN hashes in <c>department_auth</c>, keyed by the upper-case department code.</summary>
public sealed class OutpostDepartmentCredentialStore : IDepartmentCredentialStore
{
    private readonly Collection _credentials;

    public OutpostDepartmentCredentialStore(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _credentials = database.GetCollection(CollectionNames.DepartmentAuth);
    }

    public async ValueTask<DepartmentCredential?> FindByCodeAsync(string departmentCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(departmentCode);
        var d = await _credentials.FindOneAsync(new BsonDocument("_id", departmentCode.Trim().ToUpperInvariant()), cancellationToken: cancellationToken).ConfigureAwait(false);
        return d is null ? null : new DepartmentCredential(d["departmentId"].AsString, d["_id"].AsString, d["active"].AsBoolean, d["pinHash"].AsString);
    }

    public async ValueTask SaveAsync(DepartmentCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var code = credential.DepartmentCode.ToUpperInvariant();
        var doc = new BsonDocument
        {
            { "_id", code },
            { "departmentId", credential.DepartmentId },
            { "active", credential.Active },
            { "pinHash", credential.PinHash },
            { "updatedAt", DateTime.UtcNow },
        };
        (await _credentials.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", code), Update = doc, Upsert = true }],
            cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
    }
}
