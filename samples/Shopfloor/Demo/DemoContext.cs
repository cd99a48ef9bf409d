using Shopfloor.Server;

namespace Shopfloor.Demo;

/// <summary>What a device fleet gets from the demo: the running server, the department PINs and the projects.</summary>
public sealed record DemoContext(ShopfloorHost Host, IReadOnlyDictionary<string, string> PinsByCode, IReadOnlyList<Outpost.Bson.BsonDocument> Projects, TextWriter Log);
