using Outpost.Bson;
using Outpost.Bson.Json;
using Outpost.Query.JsonSchema;
using Outpost.Query.Tests.Support;

namespace Outpost.Query.Tests.JsonSchema;

/// <summary>
/// The errInfo.details of a refused document, in MongoDB 5.0+'s shape: every broken rule, nested properties by
/// name, missing required fields listed, each value rule with specifiedAs / reason / consideredValue.
/// </summary>
public class JsonSchemaExplainTests
{
    private static string Explain(string schema, string document) =>
        JsonSchemaValidator.Compile(J.Doc(schema)).Explain(J.Doc(document))!.ToJson(JsonOutputMode.RelaxedExtendedJson);

    private static string Canonical(string json) => J.Doc(json).ToJson(JsonOutputMode.RelaxedExtendedJson);

    [Fact]
    public void Names_every_violated_field_with_its_rule_and_value()
    {
        var schema = """
            { bsonType: 'object', title: 'photo', required: ['name', 'size', 'mime'],
              properties: {
                name: { bsonType: 'string', minLength: 3, description: 'file name' },
                size: { bsonType: 'int', minimum: 1 },
                quality: { enum: [1, 2, 3] },
                meta: { bsonType: 'object', required: ['device'], properties: { rating: { bsonType: 'int', maximum: 10 } } } } }
            """;
        var actual = Explain(schema, "{ _id: 1, name: 'ab', quality: 7, meta: { rating: 11 } }");

        var expected = """
            { operatorName: '$jsonSchema', title: 'photo', schemaRulesNotSatisfied: [
                { operatorName: 'required', specifiedAs: { required: ['name', 'size', 'mime'] }, missingProperties: ['size', 'mime'] },
                { operatorName: 'properties', propertiesNotSatisfied: [
                    { propertyName: 'name', description: 'file name', details: [
                        { operatorName: 'minLength', specifiedAs: { minLength: 3 }, reason: 'specified string length was not satisfied', consideredValue: 'ab' } ] },
                    { propertyName: 'quality', details: [
                        { operatorName: 'enum', specifiedAs: { enum: [1, 2, 3] }, reason: 'value was not found in enum', consideredValue: 7 } ] },
                    { propertyName: 'meta', details: [
                        { operatorName: 'required', specifiedAs: { required: ['device'] }, missingProperties: ['device'] },
                        { operatorName: 'properties', propertiesNotSatisfied: [
                            { propertyName: 'rating', details: [
                                { operatorName: 'maximum', specifiedAs: { maximum: 10 }, reason: 'comparison failed', consideredValue: 11 } ] } ] } ] } ] } ] }
            """;
        Assert.Equal(Canonical(expected), actual);
    }

    [Fact]
    public void Explains_types_patterns_items_and_additional_properties()
    {
        var schema = """
            { additionalProperties: false, properties: { _id: {}, a: { bsonType: 'string' }, b: { pattern: '^x' },
              c: { bsonType: 'array', items: { bsonType: 'int' } } } }
            """;
        var actual = Explain(schema, "{ _id: 1, a: 5, b: 'yy', c: [1, 'two'], extra: true }");

        var expected = """
            { operatorName: '$jsonSchema', schemaRulesNotSatisfied: [
                { operatorName: 'additionalProperties', specifiedAs: { additionalProperties: false }, additionalProperties: ['extra'] },
                { operatorName: 'properties', propertiesNotSatisfied: [
                    { propertyName: 'a', details: [
                        { operatorName: 'bsonType', specifiedAs: { bsonType: 'string' }, reason: 'type did not match', consideredValue: 5, consideredType: 'int' } ] },
                    { propertyName: 'b', details: [
                        { operatorName: 'pattern', specifiedAs: { pattern: '^x' }, reason: 'regular expression did not match', consideredValue: 'yy' } ] },
                    { propertyName: 'c', details: [
                        { operatorName: 'items', reason: 'At least one item did not match the sub-schema', itemIndex: 1, details: [
                            { operatorName: 'bsonType', specifiedAs: { bsonType: 'int' }, reason: 'type did not match', consideredValue: 'two', consideredType: 'string' } ] } ] } ] } ] }
            """;
        Assert.Equal(Canonical(expected), actual);
    }

    [Fact]
    public void Explains_combinations()
    {
        Assert.Equal(
            Canonical("{ operatorName: '$jsonSchema', schemaRulesNotSatisfied: [ { operatorName: 'anyOf', schemasNotSatisfied: [ { index: 0, details: [ { operatorName: 'required', specifiedAs: { required: ['a'] }, missingProperties: ['a'] } ] }, { index: 1, details: [ { operatorName: 'required', specifiedAs: { required: ['b'] }, missingProperties: ['b'] } ] } ] } ] }"),
            Explain("{ anyOf: [ { required: ['a'] }, { required: ['b'] } ] }", "{ c: 1 }"));
        Assert.Equal(
            Canonical("{ operatorName: '$jsonSchema', schemaRulesNotSatisfied: [ { operatorName: 'oneOf', reason: 'more than one subschema matched', matchingSchemaIndexes: [0, 1] } ] }"),
            Explain("{ oneOf: [ { required: ['a'] }, { required: ['b'] } ] }", "{ a: 1, b: 1 }"));
        Assert.Equal(
            Canonical("{ operatorName: '$jsonSchema', schemaRulesNotSatisfied: [ { operatorName: 'not', reason: 'child expression matched', childSchema: { required: ['a'] } } ] }"),
            Explain("{ not: { required: ['a'] } }", "{ a: 1 }"));
    }

    [Fact]
    public void A_valid_document_has_no_explanation()
    {
        Assert.Null(JsonSchemaValidator.Compile(J.Doc("{ required: ['a'] }")).Explain(J.Doc("{ a: 1 }")));
    }

    [Fact]
    public void Validator_details_list_failing_clauses_of_an_and()
    {
        var validator = J.Doc("{ $jsonSchema: { required: ['a'] }, b: { $gt: 5 }, c: 'x' }");
        var actual = ValidationFailureDetails.Explain(validator, J.Doc("{ b: 3, c: 'x' }")).ToJson(JsonOutputMode.RelaxedExtendedJson);

        var expected = """
            { operatorName: '$and', clausesNotSatisfied: [
                { index: 0, details: { operatorName: '$jsonSchema', schemaRulesNotSatisfied: [
                    { operatorName: 'required', specifiedAs: { required: ['a'] }, missingProperties: ['a'] } ] } },
                { index: 1, details: { operatorName: '$gt', specifiedAs: { b: { $gt: 5 } }, reason: 'comparison failed', consideredValue: 3 } } ] }
            """;
        Assert.Equal(Canonical(expected), actual);
        Assert.Equal(
            Canonical("{ operatorName: '$eq', specifiedAs: { c: 'x' }, reason: 'field was missing' }"),
            ValidationFailureDetails.Explain(J.Doc("{ c: 'x' }"), J.Doc("{ }")).ToJson(JsonOutputMode.RelaxedExtendedJson));
    }
}
