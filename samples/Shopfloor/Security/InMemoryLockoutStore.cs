using System.Collections.Concurrent;

namespace Shopfloor.Security;

/// <summary>A process-local <see cref="ILockoutStore"/>; lock-outs reset on restart.</summary>
public sealed class InMemoryLockoutStore : ILockoutStore
{
    private readonly ConcurrentDictionary<string, LockoutRecord> _records = new(StringComparer.Ordinal);

    public ValueTask<LockoutRecord?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_records.TryGetValue(key, out var r) ? r : null);

    public ValueTask<LockoutRecord> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, LockoutOptions options, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_records.AddOrUpdate(key,
            _ => LockoutRecord.AfterFailure(null, now, maxFailures, options),
            (_, current) => LockoutRecord.AfterFailure(current, now, maxFailures, options)));

    public ValueTask ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        _records.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }
}
