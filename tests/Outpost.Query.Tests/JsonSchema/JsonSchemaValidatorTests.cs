using Outpost.Bson;
using Outpost.Query.JsonSchema;
using Outpost.Query.Tests.Support;

namespace Outpost.Query.Tests.JsonSchema;

/// <summary>
/// Every keyword of the compiled $jsonSchema validator, each with a passing and a failing value, plus the keywords
/// that apply only to their own type (they pass any other). The interpreter (the validator before it was compiled,
/// kept for odd argument shapes) must give every answer too.
/// </summary>
public class JsonSchemaValidatorTests
{
    // schema, document, valid
    public static TheoryData<string, string, bool> Cases => new()
    {
        // bsonType / type, single and lists, aliases
        { "{ bsonType: 'object' }", "{ }", true },
        { "{ properties: { a: { bsonType: 'int' } } }", "{ a: NumberLong(1) }", false },
        { "{ properties: { a: { bsonType: ['int', 'long'] } } }", "{ a: NumberLong(1) }", true },
        { "{ properties: { a: { bsonType: 'number' } } }", "{ a: NumberDecimal('1.5') }", true },
        { "{ properties: { a: { bsonType: 'number' } } }", "{ a: '1' }", false },
        { "{ properties: { a: { type: 'number' } } }", "{ a: 2.5 }", true },
        { "{ properties: { a: { type: ['string', 'null'] } } }", "{ a: null }", true },
        { "{ properties: { a: { type: 'boolean' } } }", "{ a: 1 }", false },
        { "{ properties: { a: { bsonType: 'minKey' } } }", "{ a: MinKey }", true },
        { "{ properties: { a: { bsonType: 'maxKey' } } }", "{ a: MaxKey }", true },
        { "{ properties: { a: { bsonType: 'maxKey' } } }", "{ a: MinKey }", false },
        { "{ properties: { a: { bsonType: 'decimal' } } }", "{ a: NumberDecimal('2') }", true },
        { "{ properties: { a: { bsonType: 'objectId' } } }", "{ a: ObjectId('5f1d7f2a9b1e8a3c4d5e6f70') }", true },
        { "{ properties: { a: { bsonType: 'date' } } }", "{ a: 'today' }", false },
        { "{ properties: { a: { bsonType: 'array' } } }", "{ a: [] }", true },
        // enum
        { "{ properties: { a: { enum: [1, 'x', null] } } }", "{ a: 1.0 }", true },
        { "{ properties: { a: { enum: [1, 'x', null] } } }", "{ a: 'y' }", false },
        { "{ properties: { a: { enum: [{ b: 1 }] } } }", "{ a: { b: 1 } }", true },
        // minimum / maximum, exclusive, non-numbers ignored
        { "{ properties: { a: { minimum: 1 } } }", "{ a: 1 }", true },
        { "{ properties: { a: { minimum: 1, exclusiveMinimum: true } } }", "{ a: 1 }", false },
        { "{ properties: { a: { minimum: 1, exclusiveMinimum: false } } }", "{ a: NumberLong(1) }", true },
        { "{ properties: { a: { maximum: 10 } } }", "{ a: 10.5 }", false },
        { "{ properties: { a: { exclusiveMaximum: true, maximum: 10 } } }", "{ a: 9.99 }", true },
        { "{ properties: { a: { minimum: 5 } } }", "{ a: 'abc' }", true },
        // multipleOf
        { "{ properties: { a: { multipleOf: 3 } } }", "{ a: 9 }", true },
        { "{ properties: { a: { multipleOf: 3 } } }", "{ a: 10 }", false },
        // minLength / maxLength in code points; pattern
        { "{ properties: { a: { minLength: 2 } } }", "{ a: '\\ud83d\\ude00' }", false },
        { "{ properties: { a: { maxLength: 1 } } }", "{ a: '\\ud83d\\ude00' }", true },
        { "{ properties: { a: { maxLength: 2 } } }", "{ a: 'abc' }", false },
        { "{ properties: { a: { minLength: 2 } } }", "{ a: 5 }", true },
        { "{ properties: { a: { pattern: '^[a-f0-9]{4}$' } } }", "{ a: 'beef' }", true },
        { "{ properties: { a: { pattern: '^[a-f0-9]{4}$' } } }", "{ a: 'BEEF' }", false },
        { "{ properties: { a: { pattern: '^x' } } }", "{ a: 1 }", true },
        // required, minProperties / maxProperties
        { "{ required: ['a', 'b'] }", "{ a: 1, b: null }", true },
        { "{ required: ['a', 'b'] }", "{ a: 1 }", false },
        { "{ properties: { a: { required: ['x'] } } }", "{ a: 5 }", true },
        { "{ minProperties: 2 }", "{ a: 1 }", false },
        { "{ maxProperties: 1 }", "{ a: 1 }", true },
        // properties nest; a missing property is not checked
        { "{ properties: { a: { properties: { b: { bsonType: 'string' } } } } }", "{ a: { b: 1 } }", false },
        { "{ properties: { a: { properties: { b: { bsonType: 'string' } } } } }", "{ a: { c: 1 } }", true },
        { "{ properties: { a: { bsonType: 'string' } } }", "{ b: 1 }", true },
        // patternProperties and additionalProperties (false, or a schema), with properties and patterns as known names
        { "{ patternProperties: { '^n_': { bsonType: 'int' } } }", "{ n_a: 1, n_b: 2, x: 'y' }", true },
        { "{ patternProperties: { '^n_': { bsonType: 'int' } } }", "{ n_a: 1, n_b: 'two' }", false },
        { "{ properties: { _id: { }, a: { } }, patternProperties: { '^n_': { } }, additionalProperties: false }", "{ _id: 1, a: 1, n_z: 2 }", true },
        { "{ properties: { _id: { }, a: { } }, patternProperties: { '^n_': { } }, additionalProperties: false }", "{ _id: 1, a: 1, z: 2 }", false },
        { "{ additionalProperties: true }", "{ z: 2 }", true },
        { "{ properties: { a: { } }, additionalProperties: { bsonType: 'string' } }", "{ a: 1, b: 'x' }", true },
        { "{ properties: { a: { } }, additionalProperties: { bsonType: 'string' } }", "{ a: 1, b: 2 }", false },
        // items (one schema, or a list with additionalItems), minItems / maxItems, uniqueItems
        { "{ properties: { a: { items: { bsonType: 'int', minimum: 0 } } } }", "{ a: [0, 1, 2] }", true },
        { "{ properties: { a: { items: { bsonType: 'int', minimum: 0 } } } }", "{ a: [0, -1] }", false },
        { "{ properties: { a: { items: [{ bsonType: 'int' }, { bsonType: 'string' }] } } }", "{ a: [1, 'x', true] }", true },
        { "{ properties: { a: { items: [{ bsonType: 'int' }, { bsonType: 'string' }] } } }", "{ a: ['x', 1] }", false },
        { "{ properties: { a: { items: [{ bsonType: 'int' }], additionalItems: false } } }", "{ a: [1, 2] }", false },
        { "{ properties: { a: { items: [{ bsonType: 'int' }], additionalItems: { bsonType: 'string' } } } }", "{ a: [1, 'x', 'y'] }", true },
        { "{ properties: { a: { minItems: 2, maxItems: 3 } } }", "{ a: [1] }", false },
        { "{ properties: { a: { minItems: 2, maxItems: 3 } } }", "{ a: [1, 2, 3, 4] }", false },
        { "{ properties: { a: { uniqueItems: true } } }", "{ a: [1, 1.0] }", false },
        { "{ properties: { a: { uniqueItems: false } } }", "{ a: [1, 1] }", true },
        { "{ properties: { a: { items: { bsonType: 'int' } } } }", "{ a: 'not an array' }", true },
        // allOf / anyOf / oneOf / not
        { "{ properties: { a: { allOf: [{ minimum: 1 }, { maximum: 3 }] } } }", "{ a: 2 }", true },
        { "{ properties: { a: { allOf: [{ minimum: 1 }, { maximum: 3 }] } } }", "{ a: 4 }", false },
        { "{ properties: { a: { anyOf: [{ bsonType: 'string' }, { minimum: 10 }] } } }", "{ a: 11 }", true },
        { "{ properties: { a: { anyOf: [{ bsonType: 'string' }, { minimum: 10 }] } } }", "{ a: 9 }", false },
        { "{ properties: { a: { oneOf: [{ minimum: 1 }, { maximum: 3 }] } } }", "{ a: 2 }", false },
        { "{ properties: { a: { oneOf: [{ minimum: 1 }, { maximum: 3 }] } } }", "{ a: 5 }", true },
        { "{ properties: { a: { not: { bsonType: 'string' } } } }", "{ a: 'x' }", false },
        { "{ properties: { a: { not: { bsonType: 'string' } } } }", "{ a: 1 }", true },
        // annotations change nothing
        { "{ title: 't', description: 'd', properties: { a: { description: 'x', bsonType: 'int' } } }", "{ a: 1 }", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validates_each_keyword(string schema, string document, bool valid)
    {
        var validator = JsonSchemaValidator.Compile(J.Doc(schema));
        var interpreted = JsonSchemaValidator.CompileInterpreted(J.Doc(schema));

        Assert.Equal(valid, validator.IsValid(J.Doc(document)));
        Assert.Equal(valid, interpreted.IsValid(J.Doc(document)));
        // The failure explanation (errInfo.details) exists exactly when the document is refused.
        Assert.Equal(valid, validator.Explain(J.Doc(document)) is null);
    }

    [Fact]
    public void One_compiled_validator_gives_the_same_answers_from_many_threads()
    {
        var validator = JsonSchemaValidator.Compile(J.Doc("{ required: ['a'], patternProperties: { '^n_': { bsonType: 'int' } }, properties: { a: { pattern: '^x+$' } } }"));
        var good = J.Doc("{ a: 'xxx', n_1: 1 }");
        var bad = J.Doc("{ a: 'xxy', n_1: 1 }");

        var results = new bool[8];
        Parallel.For(0, 8, i =>
        {
            var ok = true;
            for (var n = 0; n < 2000; n++)
            {
                ok &= validator.IsValid(good) && !validator.IsValid(bad);
            }
            results[i] = ok;
        });

        Assert.All(results, Assert.True);
    }
}
