namespace Outpost.Client;

/// <summary>Progress of a subscription's initial snapshot.</summary>
public sealed record InitialSyncProgress(string Subscription, long Received, long? Total, bool Completed);
