namespace Outpost.Query.Tests.Expressions;

public class LogicExpressionTests : ExpressionTestBase
{
    [Theory]
    // Comparison across types uses the BSON order; numbers compare by value; missing < null.
    [InlineData("{ $eq: [1, 1.0] }", "{}", "true")]
    [InlineData("{ $eq: [1, NumberDecimal('1.00')] }", "{}", "true")]
    [InlineData("{ $eq: ['$x', null] }", "{}", "false")]
    [InlineData("{ $eq: ['$x', '$y'] }", "{}", "true")]
    [InlineData("{ $lt: ['$x', null] }", "{}", "true")]
    [InlineData("{ $gt: ['a', 1] }", "{}", "true")]
    [InlineData("{ $gt: [[1], 'a'] }", "{}", "true")]
    [InlineData("{ $lte: [2, 2] }", "{}", "true")]
    [InlineData("{ $ne: ['a', 'b'] }", "{}", "true")]
    [InlineData("{ $cmp: ['b', 'a'] }", "{}", "1")]
    [InlineData("{ $cmp: [1, 2] }", "{}", "-1")]
    [InlineData("{ $cmp: [null, null] }", "{}", "0")]
    [InlineData("{ $eq: ['$syncStatus', 'synced'] }", "{ syncStatus: 'synced' }", "true")]
    // Boolean: truthiness of 0, null, missing, false
    [InlineData("{ $and: [1, 'x', []] }", "{}", "true")]
    [InlineData("{ $and: [1, 0] }", "{}", "false")]
    [InlineData("{ $and: [] }", "{}", "true")]
    [InlineData("{ $or: [null, '$missing', 0, false] }", "{}", "false")]
    [InlineData("{ $or: [null, NumberDecimal('0.1')] }", "{}", "true")]
    [InlineData("{ $or: [] }", "{}", "false")]
    [InlineData("{ $not: [0] }", "{}", "true")]
    [InlineData("{ $not: ['$missing'] }", "{}", "true")]
    [InlineData("{ $not: [[]] }", "{}", "false")]
    // Conditionals
    [InlineData("{ $cond: [true, 1, 2] }", "{}", "1")]
    [InlineData("{ $cond: { if: '$missing', then: 1, else: 2 } }", "{}", "2")]
    [InlineData("{ $cond: [{ $eq: ['$s', 'synced'] }, 1, 0] }", "{ s: 'synced' }", "1")]
    [InlineData("{ $ifNull: ['$a', 'dflt'] }", "{ a: null }", "'dflt'")]
    [InlineData("{ $ifNull: ['$a', 'dflt'] }", "{ a: 0 }", "0")]
    [InlineData("{ $ifNull: ['$a', '$b', 'c'] }", "{ b: 'b' }", "'b'")]
    [InlineData("{ $ifNull: ['$a', '$b'] }", "{}", "undefined")]
    [InlineData("{ $switch: { branches: [{ case: { $gt: ['$x', 5] }, then: 'big' }, { case: true, then: 'small' }] } }", "{ x: 3 }", "'small'")]
    [InlineData("{ $switch: { branches: [{ case: false, then: 1 }], default: 'd' } }", "{}", "'d'")]
    public void Evaluates(string expression, string document, string expected) => Check(expression, document, expected);

    [Theory]
    [InlineData("{ $eq: [1] }", 16020)]
    [InlineData("{ $cond: { if: true, then: 1 } }", 17082)]
    [InlineData("{ $cond: { if: true, then: 1, else: 2, x: 1 } }", 17083)]
    [InlineData("{ $switch: { branches: [{ case: false, then: 1 }] } }", 40066)]
    [InlineData("{ $switch: { branches: [] } }", 40068)]
    [InlineData("{ $switch: { branches: [{ then: 1 }] } }", 40064)]
    [InlineData("{ $ifNull: [1] }", 16020)]
    [InlineData("{ $add: [1], $sub: 1 }", 15983)]
    public void Fails(string expression, int code) => CheckError(expression, "{}", code);
}

public class VariableAndPathTests : ExpressionTestBase
{
    [Theory]
    [InlineData("'$a.b'", "{ a: { b: 5 } }", "5")]
    [InlineData("'$a.b'", "{ a: [{ b: 1 }, { c: 2 }, { b: 3 }, 7] }", "[1, 3]")]
    [InlineData("'$a.b'", "{ a: [[{ b: 1 }], { b: 2 }] }", "[[1], 2]")]
    [InlineData("'$a.b'", "{ a: 5 }", "undefined")]
    [InlineData("'$a.0'", "{ a: [1, 2] }", "[]")]
    [InlineData("'$$ROOT.a'", "{ a: 1 }", "1")]
    [InlineData("'$$CURRENT'", "{ a: 1 }", "{ a: 1 }")]
    [InlineData("'$$NOW'", "{}", "ISODate('2024-01-15T10:30:00Z')")]
    [InlineData("'$$REMOVE'", "{}", "undefined")]
    [InlineData("{ x: '$$REMOVE', y: 1 }", "{}", "{ y: 1 }")]
    [InlineData("{ x: '$missing', y: ['$missing'] }", "{}", "{ y: [null] }")]
    [InlineData("{ $let: { vars: { a: 2, b: { $add: ['$x', 1] } }, in: { $multiply: ['$$a', '$$b'] } } }", "{ x: 4 }", "10")]
    [InlineData("{ $let: { vars: { a: 1 }, in: { $let: { vars: { a: 2 }, in: '$$a' } } } }", "{}", "2")]
    [InlineData("{ $let: { vars: { CURRENT: { v: 9 } }, in: '$v' } }", "{ v: 1 }", "9")]
    [InlineData("{ $literal: '$notAPath' }", "{}", "'$notAPath'")]
    [InlineData("{ $literal: { $add: [1, 2] } }", "{}", "{ $add: [1, 2] }")]
    [InlineData("{ $getField: 'a.b' }", "{ 'a.b': 3 }", "3")]
    [InlineData("{ $getField: { field: 'x', input: { x: 1 } } }", "{}", "1")]
    [InlineData("{ $getField: { field: 'x', input: null } }", "{}", "null")]
    [InlineData("{ $setField: { field: 'a', input: { a: 1, b: 2 }, value: 5 } }", "{}", "{ a: 5, b: 2 }")]
    [InlineData("{ $setField: { field: 'c', input: { a: 1 }, value: '$$REMOVE' } }", "{}", "{ a: 1 }")]
    [InlineData("{ $unsetField: { field: 'a', input: { a: 1, b: 2 } } }", "{}", "{ b: 2 }")]
    [InlineData("{ $mergeObjects: [{ a: 1, b: 1 }, null, { b: 2 }] }", "{}", "{ a: 1, b: 2 }")]
    [InlineData("{ $mergeObjects: '$d' }", "{ d: { a: 1 } }", "{ a: 1 }")]
    [InlineData("{ $type: '$x' }", "{}", "'missing'")]
    [InlineData("{ $sum: [1, 2, 'x', NumberLong(3)] }", "{}", "NumberLong(6)")]
    [InlineData("{ $sum: '$a' }", "{ a: [1, 2.5] }", "3.5")]
    [InlineData("{ $avg: '$a' }", "{ a: [1, 2] }", "1.5")]
    [InlineData("{ $max: ['$a', 3] }", "{ a: 5 }", "5")]
    [InlineData("{ $min: '$a' }", "{ a: [] }", "null")]
    [InlineData("{ $stdDevPop: [1, 3] }", "{}", "1.0")]
    [InlineData("{ $median: { input: [3, 1, 2], method: 'approximate' } }", "{}", "2.0")]
    [InlineData("{ $percentile: { input: '$v', p: [0.5, 0.9], method: 'approximate' } }", "{ v: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }", "[5.0, 9.0]")]
    public void Evaluates(string expression, string document, string expected) => Check(expression, document, expected);

    [Theory]
    [InlineData("'$$undefinedVar'", 17276)]
    [InlineData("'$'", 16872)]
    [InlineData("'$a..b'", 15998)]
    [InlineData("{ $let: { vars: { Bad: 1 }, in: 1 } }", 16867)]
    [InlineData("{ $let: { vars: { a: 1 } } }", 16877)]
    [InlineData("{ $mergeObjects: [1] }", 40400)]
    [InlineData("{ $rand: 1 }", 10065)]
    public void Fails(string expression, int code) => CheckError(expression, "{}", code);

    [Fact]
    public void Let_variables_from_the_context_are_visible()
    {
        var ctx = new QueryContext { Variables = AggJson.Doc("{ limit: 3 }") };
        var v = AggregationExpression.Compile(AggJson.Value("{ $add: ['$$limit', 1] }"), ctx).Evaluate(new ExpressionScope([], ctx));
        BsonAssert.Equal(AggJson.Value("4"), v);
    }

    [Fact]
    public void Rand_is_in_unit_interval()
    {
        var v = Eval("{ $rand: {} }").AsDouble;
        Assert.InRange(v, 0, 1);
    }
}
