namespace Shopfloor.Device;

/// <summary>What one sync round of a device did.</summary>
/// <param name="PhotosUploaded">Photo files whose upload completed in this round.</param>
/// <param name="BytesUploaded">Bytes of those files.</param>
/// <param name="UploadErrors">Uploads that failed (transport or checksum errors).</param>
/// <param name="Pending">Local writes still waiting for the server after the round.</param>
public sealed record DeviceSyncResult(int PhotosUploaded, long BytesUploaded, int UploadErrors, long Pending);
