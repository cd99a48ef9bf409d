using Outpost.Sync.Clock;

namespace Outpost.Sync.Merge;

/// <summary>
/// Whether a set/append/counter field exists, decided by its newest event (a write above it that set or removed it,
/// or an element added to it) — so an empty set stays an empty array, or stays absent, the same on every replica.
/// </summary>
public readonly record struct UnitPresence(FieldStamp Stamp, bool Exists);
