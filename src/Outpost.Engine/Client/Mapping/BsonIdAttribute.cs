namespace Outpost.Engine.Client;

/// <summary>Marks the member stored as <c>_id</c> when it is not named <c>Id</c>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class BsonIdAttribute : Attribute;
