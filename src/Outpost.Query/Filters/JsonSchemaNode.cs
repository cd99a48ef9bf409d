using Outpost.Bson;
using Outpost.Query.JsonSchema;

namespace Outpost.Query.Filters;

/// <summary>$jsonSchema at the top level of a filter.</summary>
internal sealed class JsonSchemaNode(JsonSchemaValidator validator) : MatchNode
{
    public override bool Matches(BsonDocument document, MatchDetails? details) => validator.IsValid(document);

    public override bool CollectTopLevelFields(HashSet<string> names) => false;
}
