namespace Shopfloor.Domain;

/// <summary>Image size in pixels.</summary>
public sealed record Resolution(int Width, int Height);
