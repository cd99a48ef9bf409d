namespace Shopfloor.Domain;

/// <summary>Where a photo was taken (WGS84 degrees; accuracy in metres).</summary>
public sealed record GeoLocation(double Latitude, double Longitude, double? Accuracy = null);
