namespace Outpost.Query.Tests.Expressions;

public class ArithmeticExpressionTests : ExpressionTestBase
{
    [Theory]
    // $add: type promotion int → long on overflow, long → double, decimal wins; null/missing → null; dates.
    [InlineData("{ $add: [1, 2] }", "{}", "3")]
    [InlineData("{ $add: [2147483647, 1] }", "{}", "NumberLong(2147483648)")]
    [InlineData("{ $add: [NumberLong(9223372036854775807), 1] }", "{}", "9223372036854775808.0")]
    [InlineData("{ $add: [1, 2.5] }", "{}", "3.5")]
    [InlineData("{ $add: [1, NumberDecimal('0.1')] }", "{}", "NumberDecimal('1.1')")]
    [InlineData("{ $add: [NumberDecimal('0.1'), NumberDecimal('0.2')] }", "{}", "NumberDecimal('0.3')")]
    [InlineData("{ $add: [1, null] }", "{}", "null")]
    [InlineData("{ $add: [1, '$missing'] }", "{}", "null")]
    [InlineData("{ $add: [] }", "{}", "0")]
    [InlineData("{ $add: ['$d', 1000] }", "{ d: ISODate('2024-01-01T00:00:00Z') }", "ISODate('2024-01-01T00:00:01Z')")]
    [InlineData("{ $add: ['$a', '$b'] }", "{ a: NumberLong(1), b: 2 }", "NumberLong(3)")]
    // $subtract
    [InlineData("{ $subtract: [5, 3] }", "{}", "2")]
    [InlineData("{ $subtract: [-2147483648, 1] }", "{}", "NumberLong(-2147483649)")]
    [InlineData("{ $subtract: [5.5, 1] }", "{}", "4.5")]
    [InlineData("{ $subtract: ['$a', '$b'] }", "{ a: ISODate('2024-01-01T00:00:01Z'), b: ISODate('2024-01-01T00:00:00Z') }", "NumberLong(1000)")]
    [InlineData("{ $subtract: ['$a', 1000] }", "{ a: ISODate('2024-01-01T00:00:01Z') }", "ISODate('2024-01-01T00:00:00Z')")]
    [InlineData("{ $subtract: [1, null] }", "{}", "null")]
    // $multiply
    [InlineData("{ $multiply: [2, 3] }", "{}", "6")]
    [InlineData("{ $multiply: [65536, 65536] }", "{}", "NumberLong(4294967296)")]
    [InlineData("{ $multiply: [2, 1.5] }", "{}", "3.0")]
    [InlineData("{ $multiply: [NumberDecimal('1.5'), 2] }", "{}", "NumberDecimal('3.0')")]
    [InlineData("{ $multiply: [NumberLong(4611686018427387904), 4] }", "{}", "1.8446744073709552E19")]
    [InlineData("{ $multiply: [] }", "{}", "1")]
    // $divide always double unless decimal
    [InlineData("{ $divide: [6, 3] }", "{}", "2.0")]
    [InlineData("{ $divide: [1, 4] }", "{}", "0.25")]
    [InlineData("{ $divide: [NumberDecimal('1'), 4] }", "{}", "NumberDecimal('0.25')")]
    [InlineData("{ $divide: [null, 4] }", "{}", "null")]
    [InlineData("{ $divide: ['$fileSize', 1048576] }", "{ fileSize: 2097152 }", "2.0")]
    // $mod
    [InlineData("{ $mod: [7, 3] }", "{}", "1")]
    [InlineData("{ $mod: [-7, 3] }", "{}", "-1")]
    [InlineData("{ $mod: [7.5, 2] }", "{}", "1.5")]
    [InlineData("{ $mod: [NumberLong(7), 3] }", "{}", "NumberLong(1)")]
    // $abs $ceil $floor
    [InlineData("{ $abs: -5 }", "{}", "5")]
    [InlineData("{ $abs: -2147483648 }", "{}", "NumberLong(2147483648)")]
    [InlineData("{ $abs: -1.5 }", "{}", "1.5")]
    [InlineData("{ $abs: null }", "{}", "null")]
    [InlineData("{ $ceil: 1.2 }", "{}", "2.0")]
    [InlineData("{ $ceil: -1.2 }", "{}", "-1.0")]
    [InlineData("{ $floor: -1.2 }", "{}", "-2.0")]
    [InlineData("{ $floor: 5 }", "{}", "5")]
    [InlineData("{ $floor: NumberDecimal('-1.5') }", "{}", "NumberDecimal('-2')")]
    [InlineData("{ $ceil: NumberDecimal('1.5') }", "{}", "NumberDecimal('2')")]
    // $round (half to even) and $trunc
    [InlineData("{ $round: [2.5, 0] }", "{}", "2.0")]
    [InlineData("{ $round: [3.5, 0] }", "{}", "4.0")]
    [InlineData("{ $round: [1.2345, 2] }", "{}", "1.23")]
    [InlineData("{ $round: [1234, -2] }", "{}", "1200")]
    [InlineData("{ $round: [1250, -2] }", "{}", "1200")]
    [InlineData("{ $round: [NumberDecimal('1.005'), 2] }", "{}", "NumberDecimal('1.00')")]
    [InlineData("{ $round: 7.6 }", "{}", "8.0")]
    [InlineData("{ $trunc: [1.789, 1] }", "{}", "1.7")]
    [InlineData("{ $trunc: -1.7 }", "{}", "-1.0")]
    [InlineData("{ $trunc: [1789, -2] }", "{}", "1700")]
    [InlineData("{ $round: [null, 1] }", "{}", "null")]
    // $pow $sqrt $exp $ln $log $log10
    [InlineData("{ $pow: [2, 10] }", "{}", "1024")]
    [InlineData("{ $pow: [2, 31] }", "{}", "NumberLong(2147483648)")]
    [InlineData("{ $pow: [2, -1] }", "{}", "0.5")]
    [InlineData("{ $pow: [-1, -3] }", "{}", "-1")]
    [InlineData("{ $pow: [2.0, 2] }", "{}", "4.0")]
    [InlineData("{ $pow: [2, 64] }", "{}", "1.8446744073709552E19")]
    [InlineData("{ $sqrt: 25 }", "{}", "5.0")]
    [InlineData("{ $sqrt: null }", "{}", "null")]
    [InlineData("{ $exp: 0 }", "{}", "1.0")]
    [InlineData("{ $ln: 1 }", "{}", "0.0")]
    [InlineData("{ $log: [100, 10] }", "{}", "2.0")]
    [InlineData("{ $log10: 1000 }", "{}", "3.0")]
    [InlineData("{ $sin: 0 }", "{}", "0.0")]
    [InlineData("{ $degreesToRadians: 180 }", "{}", "3.141592653589793")]
    public void Evaluates(string expression, string document, string expected) => Check(expression, document, expected);

    [Theory]
    [InlineData("{ $add: [1, 'a'] }", 14)]
    [InlineData("{ $add: ['$d', '$d'] }", 16612)]
    [InlineData("{ $subtract: [1, 'a'] }", 14)]
    [InlineData("{ $multiply: [1, 'a'] }", 14)]
    [InlineData("{ $divide: [1, 0] }", 2)]
    [InlineData("{ $divide: [1, NumberDecimal('0')] }", 2)]
    [InlineData("{ $divide: ['a', 1] }", 14)]
    [InlineData("{ $mod: [1, 0] }", 2)]
    [InlineData("{ $divide: [1] }", 16020)]
    [InlineData("{ $abs: 'x' }", 28765)]
    [InlineData("{ $abs: NumberLong('-9223372036854775808') }", 28680)]
    [InlineData("{ $sqrt: -1 }", 28714)]
    [InlineData("{ $ln: 0 }", 28766)]
    [InlineData("{ $log10: -1 }", 28761)]
    [InlineData("{ $log: [10, 1] }", 28759)]
    [InlineData("{ $pow: [0, -1] }", 28764)]
    [InlineData("{ $round: [1, 101] }", 51083)]
    [InlineData("{ $round: ['x', 1] }", 51081)]
    [InlineData("{ $round: [1, 1.5] }", 51082)]
    [InlineData("{ $foo: 1 }", 168)]
    public void Fails(string expression, int code) => CheckError(expression, "{ d: ISODate('2024-01-01T00:00:00Z') }", code);

    [Fact]
    public void Add_error_message_matches_MongoDB()
    {
        var ex = Assert.Throws<MongoException>(() => Eval("{ $add: [1, 'a'] }"));
        Assert.Equal("$add only supports numeric or date types, not string", ex.Message);
        Assert.Equal("TypeMismatch", ex.CodeName);
    }
}
