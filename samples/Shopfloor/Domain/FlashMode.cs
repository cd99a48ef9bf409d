namespace Shopfloor.Domain;

/// <summary>Camera flash setting at capture.</summary>
public enum FlashMode
{
    Auto,
    On,
    Off,
}
