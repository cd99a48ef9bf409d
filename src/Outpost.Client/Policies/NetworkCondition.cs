namespace Outpost.Client.Policies;

/// <summary>What the device's network is like right now (the app reports it, e.g. from MAUI's Connectivity).</summary>
public enum NetworkCondition
{
    /// <summary>No network: nothing is attempted.</summary>
    Offline,

    /// <summary>Cellular or otherwise paid per byte: metadata only.</summary>
    Metered,

    /// <summary>Wi-Fi or wired: everything.</summary>
    Unmetered,
}
