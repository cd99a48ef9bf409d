namespace Shopfloor.Device.Simulation;

/// <summary>Where a simulation is: the round, and photos captured/synced so far out of the planned total.</summary>
public sealed record SimulationProgress(int Round, int Rounds, int PhotosCaptured, int PhotosSynced, int PhotosPlanned, string Message);
