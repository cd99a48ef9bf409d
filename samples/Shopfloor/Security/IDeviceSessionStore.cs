namespace Shopfloor.Security;

/// <summary>Stored device sessions that back every token (in memory now; an Outpost collection when the engine lands).</summary>
public interface IDeviceSessionStore
{
    ValueTask CreateAsync(DeviceSession session, CancellationToken cancellationToken = default);

    /// <summary>The session, or null when unknown.</summary>
    ValueTask<DeviceSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Records activity (the seed's lastActivity update on each verified request).</summary>
    ValueTask TouchAsync(string sessionId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Revokes one session; returns false when unknown.</summary>
    ValueTask<bool> RevokeAsync(string sessionId, DateTimeOffset at, string reason, CancellationToken cancellationToken = default);

    /// <summary>Revokes every session of a device (lost or stolen tablet); returns how many.</summary>
    ValueTask<int> RevokeDeviceAsync(string deviceId, DateTimeOffset at, string reason, CancellationToken cancellationToken = default);
}
