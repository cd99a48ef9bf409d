namespace Outpost.Engine.Client;

/// <summary>Which version FindOneAndUpdate returns.</summary>
public enum ReturnDocument
{
    /// <summary>The document as it was before the update (the driver's default).</summary>
    Before,

    /// <summary>The updated (or upserted) document.</summary>
    After,
}
