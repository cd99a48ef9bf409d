using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Security;

namespace Shopfloor.Server.Stores;

/// <summary>
/// Device sessions in the <c>device_sessions</c> collection (one document per session, <c>_id</c> = session id).
/// The collection carries a TTL index on <c>expiresAt</c> so expired sessions leave without a sweeper of our own.
/// </summary>
public sealed class OutpostDeviceSessionStore : IDeviceSessionStore
{
    private readonly Collection _sessions;

    public OutpostDeviceSessionStore(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _sessions = database.GetCollection(CollectionNames.DeviceSessions);
    }

    public async ValueTask CreateAsync(DeviceSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var permissions = new BsonArray();
        foreach (var p in session.Permissions)
        {
            permissions.Add(p);
        }
        var doc = new BsonDocument
        {
            { "_id", session.SessionId },
            { "deviceId", session.DeviceId },
            { "departmentId", session.DepartmentId },
            { "departmentCode", session.DepartmentCode },
            { "permissions", permissions },
            { "createdAt", EngineQueries.Date(session.CreatedAt) },
            { "expiresAt", EngineQueries.Date(session.ExpiresAt) },
            { "lastActivity", EngineQueries.Date(session.LastActivity) },
        };
        (await _sessions.InsertAsync([doc], cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
    }

    public async ValueTask<DeviceSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var d = await _sessions.FindOneAsync(new BsonDocument("_id", sessionId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (d is null)
        {
            return null;
        }
        var permissions = new List<string>();
        foreach (var p in d["permissions"].AsArray)
        {
            permissions.Add(p.AsString);
        }
        return new DeviceSession
        {
            SessionId = d["_id"].AsString,
            DeviceId = d["deviceId"].AsString,
            DepartmentId = d["departmentId"].AsString,
            DepartmentCode = d["departmentCode"].AsString,
            Permissions = permissions,
            CreatedAt = EngineQueries.ToOffset(d["createdAt"]),
            ExpiresAt = EngineQueries.ToOffset(d["expiresAt"]),
            LastActivity = EngineQueries.ToOffset(d["lastActivity"]),
            RevokedAt = d.TryGetValue("revokedAt", out var r) ? EngineQueries.ToOffset(r) : null,
            RevokedReason = d.TryGetValue("revokedReason", out var why) ? why.AsString : null,
        };
    }

    public async ValueTask TouchAsync(string sessionId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        // $max keeps lastActivity monotonic when concurrent requests of one device touch out of order.
        var update = new BsonDocument("$max", new BsonDocument("lastActivity", EngineQueries.Date(at)));
        (await _sessions.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", sessionId), Update = update }],
            cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
    }

    public async ValueTask<bool> RevokeAsync(string sessionId, DateTimeOffset at, string reason, CancellationToken cancellationToken = default)
    {
        var result = await RevokeWhereAsync(new BsonDocument("_id", sessionId), at, reason, multi: false, cancellationToken).ConfigureAwait(false);
        return result.N == 1;
    }

    public async ValueTask<int> RevokeDeviceAsync(string deviceId, DateTimeOffset at, string reason, CancellationToken cancellationToken = default)
    {
        var filter = new BsonDocument { { "deviceId", deviceId }, { "revokedAt", new BsonDocument("$exists", false) } };
        var result = await RevokeWhereAsync(filter, at, reason, multi: true, cancellationToken).ConfigureAwait(false);
        return (int)result.NModified;
    }

    private async Task<WriteResult> RevokeWhereAsync(BsonDocument filter, DateTimeOffset at, string reason, bool multi, CancellationToken cancellationToken)
    {
        var update = new BsonDocument("$set", new BsonDocument { { "revokedAt", EngineQueries.Date(at) }, { "revokedReason", reason } });
        return (await _sessions.UpdateAsync([new UpdateStatement { Filter = filter, Update = update, Multi = multi }],
            cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
    }
}
