namespace Shopfloor.Domain;

/// <summary>How a department's devices sync (seed: realtime | batch | manual, default batch).</summary>
public enum SyncPolicy
{
    /// <summary>Push every change as soon as the device is online.</summary>
    Realtime,
    /// <summary>Push accumulated changes every <see cref="Department.SyncFrequencyMinutes"/> minutes.</summary>
    Batch,
    /// <summary>Push only when the operator asks.</summary>
    Manual,
}
