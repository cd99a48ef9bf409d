namespace Outpost.Engine.Client;

/// <summary>Leaves the property or field out of the stored document (and ignores it when reading).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class BsonIgnoreAttribute : Attribute;
