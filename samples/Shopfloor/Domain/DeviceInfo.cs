namespace Shopfloor.Domain;

/// <summary>The tablet that took a photo.</summary>
public sealed record DeviceInfo(string DeviceId, string Model, string OsVersion, string AppVersion, CameraSettings CameraSettings);
