using Microsoft.Extensions.Logging;
using Shopfloor.Domain;

namespace Shopfloor.Security;

/// <summary>
/// Device sign-in with a department code and access PIN (the seed's authenticateDevice, with the PIN check it
/// left as a stub): lock-out first, then the constant-time PIN check, then a session and token.
/// </summary>
public sealed partial class DeviceSignInService
{
    private readonly IDepartmentCredentialStore _credentials;
    private readonly ILockoutStore _lockouts;
    private readonly PinHasher _hasher;
    private readonly DeviceTokenService _tokens;
    private readonly LockoutOptions _lockoutOptions;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceSignInService> _logger;

    public DeviceSignInService(
        IDepartmentCredentialStore credentials, ILockoutStore lockouts, PinHasher hasher, DeviceTokenService tokens,
        LockoutOptions lockoutOptions, ILogger<DeviceSignInService> logger, TimeProvider? time = null)
    {
        _credentials = credentials;
        _lockouts = lockouts;
        _hasher = hasher;
        _tokens = tokens;
        _lockoutOptions = lockoutOptions;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Signs a device in; on success the result carries the token and the stored session.</summary>
    public async ValueTask<SignInResult> SignInAsync(string deviceId, string departmentCode, string pin, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentNullException.ThrowIfNull(departmentCode);
        ArgumentNullException.ThrowIfNull(pin);
        var now = _time.GetUtcNow();
        var code = departmentCode.Trim().ToUpperInvariant();
        var departmentKey = "dept:" + code;
        var deviceKey = "device:" + code + ":" + deviceId;

        foreach (var key in new[] { departmentKey, deviceKey })
        {
            if (await _lockouts.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } record && record.IsLocked(now))
            {
                LogLockedOut(_logger, deviceId, code);
                return new SignInResult { Failure = SignInFailure.LockedOut, RetryAfter = record.LockedUntil - now };
            }
        }

        var credential = await _credentials.FindByCodeAsync(code, cancellationToken).ConfigureAwait(false);
        bool pinOk;
        if (credential is null || !credential.Active)
        {
            _hasher.VerifyDummy(pin);
            pinOk = false;
        }
        else
        {
            pinOk = _hasher.Verify(pin, credential.PinHash);
        }

        if (!pinOk)
        {
            var byDepartment = await _lockouts.RecordFailureAsync(departmentKey, now, _lockoutOptions.MaxFailuresPerDepartment, _lockoutOptions, cancellationToken).ConfigureAwait(false);
            var byDevice = await _lockouts.RecordFailureAsync(deviceKey, now, _lockoutOptions.MaxFailuresPerDevice, _lockoutOptions, cancellationToken).ConfigureAwait(false);
            var failure = credential is null || !credential.Active ? SignInFailure.InvalidDepartment : SignInFailure.InvalidPin;
            LogSignInFailed(_logger, deviceId, code, failure, byDevice.Failures);
            if (byDevice.IsLocked(now) || byDepartment.IsLocked(now))
            {
                var until = Max(byDevice.LockedUntil, byDepartment.LockedUntil);
                return new SignInResult { Failure = SignInFailure.LockedOut, RetryAfter = until - now };
            }
            return new SignInResult { Failure = failure };
        }

        await _lockouts.ResetAsync(deviceKey, cancellationToken).ConfigureAwait(false);
        if (_hasher.NeedsRehash(credential!.PinHash))
        {
            await _credentials.SaveAsync(credential with { PinHash = _hasher.Hash(pin) }, cancellationToken).ConfigureAwait(false);
        }
        var permissions = Permissions.ForDepartment(credential.DepartmentId);
        var (token, session) = await _tokens.IssueAsync(deviceId, credential.DepartmentId, credential.DepartmentCode, permissions, cancellationToken).ConfigureAwait(false);
        LogSignedIn(_logger, deviceId, code, session.SessionId);
        return new SignInResult { Token = token, Session = session };
    }

    /// <summary>Stores a department's PIN (hashed) — for set-up and PIN changes.</summary>
    public ValueTask SetPinAsync(DepartmentInfo department, string pin, bool active = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(department);
        return _credentials.SaveAsync(new DepartmentCredential(department.Id, department.Code, active, _hasher.Hash(pin)), cancellationToken);
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Sign-in refused for device {DeviceId} at department {DepartmentCode}: {Failure} ({Failures} recent failures)")]
    private static partial void LogSignInFailed(ILogger logger, string deviceId, string departmentCode, SignInFailure failure, int failures);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Sign-in refused for device {DeviceId} at department {DepartmentCode}: locked out")]
    private static partial void LogLockedOut(ILogger logger, string deviceId, string departmentCode);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Device {DeviceId} signed in to department {DepartmentCode}, session {SessionId}")]
    private static partial void LogSignedIn(ILogger logger, string deviceId, string departmentCode, string sessionId);
}
