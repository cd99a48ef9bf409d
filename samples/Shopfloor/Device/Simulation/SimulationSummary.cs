namespace Shopfloor.Device.Simulation;

/// <summary>What a simulation did.</summary>
/// <param name="Devices">Simulated tablets.</param>
/// <param name="PhotosCaptured">Photos captured on the devices.</param>
/// <param name="PhotosSynced">Captured photos whose document and file reached the server and are marked synced.</param>
/// <param name="BytesUploaded">Photo file bytes uploaded.</param>
/// <param name="UploadErrors">Uploads that failed with an error (not merely offline).</param>
/// <param name="Edits">Metadata edits made.</param>
/// <param name="ConflictsMerged">Concurrent edits the merge rules settled on their own.</param>
/// <param name="ConflictsForReview">Conflicts (or rejected writes) left for a person to review.</param>
/// <param name="ServerPhotos">Photos in the server's collection at the end.</param>
public sealed record SimulationSummary(
    int Devices, int PhotosCaptured, int PhotosSynced, long BytesUploaded, int UploadErrors, int Edits, int ConflictsMerged, int ConflictsForReview, long ServerPhotos);
