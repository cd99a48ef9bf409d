using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>A document inserted by an upsert: the statement index and the new _id.</summary>
public sealed record UpsertedId(int Index, BsonValue Id);
