namespace Shopfloor.Demo;

/// <summary>
/// The demo's hook for devices. The default <see cref="GeneratedPhotoFleet"/> writes photos straight through the
/// server module; the sync work replaces it with simulated tablets (<c>shopfloor-device simulate</c>) that capture
/// offline and sync through the client SDK — pass another fleet to <see cref="DemoRunner"/>.
/// </summary>
public interface IDeviceFleet
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires (the demo stopping).</summary>
    Task RunAsync(DemoContext context, CancellationToken cancellationToken);
}
