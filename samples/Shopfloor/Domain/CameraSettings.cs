namespace Shopfloor.Domain;

/// <summary>Camera settings at capture.</summary>
/// <param name="Quality">0–100.</param>
/// <param name="Flash">Flash mode.</param>
/// <param name="Resolution">Image size.</param>
public sealed record CameraSettings(int Quality, FlashMode Flash, Resolution Resolution);
