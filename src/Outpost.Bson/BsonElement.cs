namespace Outpost.Bson;

/// <summary>One name/value pair of a <see cref="BsonDocument"/>.</summary>
/// <param name="Name">The field name.</param>
/// <param name="Value">The field value.</param>
public readonly record struct BsonElement(string Name, BsonValue Value);
