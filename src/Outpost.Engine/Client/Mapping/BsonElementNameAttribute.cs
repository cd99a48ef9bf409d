namespace Outpost.Engine.Client;

/// <summary>Stores the property, field or constructor parameter under this element name instead of the convention's.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class BsonElementNameAttribute(string name) : Attribute
{
    /// <summary>The BSON element name.</summary>
    public string Name { get; } = name;
}
