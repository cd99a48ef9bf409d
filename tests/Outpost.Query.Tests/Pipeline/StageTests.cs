namespace Outpost.Query.Tests.Pipeline;

public class StageTests : PipelineTestBase
{
    private const string People = """
        [
          { _id: 1, name: 'ann', age: 30, city: 'Oslo', tags: ['a', 'b'], role: 'admin' },
          { _id: 2, name: 'bob', age: 25, city: 'Rome', tags: [], role: 'user' },
          { _id: 3, name: 'cid', age: 35, city: 'Oslo', role: 'user' },
          { _id: 4, name: 'dan', age: 25, city: 'Rome', tags: ['c'], role: 'user' }
        ]
        """;

    [Theory]
    [InlineData("[{ $match: { city: 'Oslo' } }, { $project: { name: 1 } }]", "[{ _id: 1, name: 'ann' }, { _id: 3, name: 'cid' }]")]
    [InlineData("[{ $project: { _id: 0, n: '$name', older: { $gt: ['$age', 28] } } }, { $limit: 2 }]", "[{ n: 'ann', older: true }, { n: 'bob', older: false }]")]
    [InlineData("[{ $project: { tags: 0, city: 0, role: 0 } }, { $skip: 3 }]", "[{ _id: 4, name: 'dan', age: 25 }]")]
    [InlineData("[{ $sort: { age: 1, _id: -1 } }, { $project: { _id: 1 } }]", "[{ _id: 4 }, { _id: 2 }, { _id: 1 }, { _id: 3 }]")]
    [InlineData("[{ $group: { _id: '$city', n: { $sum: 1 }, avgAge: { $avg: '$age' } } }]", "[{ _id: 'Oslo', n: 2, avgAge: 32.5 }, { _id: 'Rome', n: 2, avgAge: 25.0 }]")]
    [InlineData("[{ $group: { _id: null, total: { $sum: '$age' }, names: { $push: '$name' } } }]", "[{ _id: null, total: 115, names: ['ann', 'bob', 'cid', 'dan'] }]")]
    [InlineData("[{ $unwind: '$tags' }, { $project: { _id: 1, tags: 1 } }]", "[{ _id: 1, tags: 'a' }, { _id: 1, tags: 'b' }, { _id: 4, tags: 'c' }]")]
    [InlineData("[{ $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }, { $project: { _id: 1, tags: 1, i: 1 } }]",
        "[{ _id: 1, tags: 'a', i: NumberLong(0) }, { _id: 1, tags: 'b', i: NumberLong(1) }, { _id: 2, i: null }, { _id: 3, i: null }, { _id: 4, tags: 'c', i: NumberLong(0) }]")]
    [InlineData("[{ $count: 'total' }]", "[{ total: 4 }]")]
    [InlineData("[{ $match: { age: { $gt: 100 } } }, { $count: 'total' }]", "[]")]
    [InlineData("[{ $sortByCount: '$city' }]", "[{ _id: 'Oslo', count: 2 }, { _id: 'Rome', count: 2 }]")]
    [InlineData("[{ $addFields: { a2: { $multiply: ['$age', 2] }, name: { $toUpper: '$name' } } }, { $project: { _id: 0, name: 1, a2: 1 } }, { $limit: 1 }]", "[{ name: 'ANN', a2: 60 }]")]
    [InlineData("[{ $set: { 'x.y': 1 } }, { $project: { _id: 0, x: 1 } }, { $limit: 1 }]", "[{ x: { y: 1 } }]")]
    [InlineData("[{ $unset: ['tags', 'city', 'role', 'age'] }, { $limit: 1 }]", "[{ _id: 1, name: 'ann' }]")]
    [InlineData("[{ $unset: 'name' }, { $project: { name: 1 } }, { $limit: 1 }]", "[{ _id: 1 }]")]
    [InlineData("[{ $replaceRoot: { newRoot: { n: '$name' } } }, { $limit: 1 }]", "[{ n: 'ann' }]")]
    [InlineData("[{ $replaceWith: { $mergeObjects: [{ x: 0 }, { n: '$name' }] } }, { $limit: 1 }]", "[{ x: 0, n: 'ann' }]")]
    [InlineData("[{ $bucket: { groupBy: '$age', boundaries: [20, 30, 40], output: { n: { $sum: 1 }, names: { $push: '$name' } } } }]",
        "[{ _id: 20, n: 2, names: ['bob', 'dan'] }, { _id: 30, n: 2, names: ['ann', 'cid'] }]")]
    [InlineData("[{ $bucket: { groupBy: '$age', boundaries: [26, 31], default: 'other' } }]", "[{ _id: 26, count: 1 }, { _id: 'other', count: 3 }]")]
    [InlineData("[{ $bucketAuto: { groupBy: '$age', buckets: 2 } }]", "[{ _id: { min: 25, max: 30 }, count: 2 }, { _id: { min: 30, max: 35 }, count: 2 }]")]
    [InlineData("[{ $facet: { c: [{ $count: 'n' }], top: [{ $sort: { age: -1 } }, { $limit: 1 }, { $project: { name: 1, _id: 0 } }] } }]", "[{ c: [{ n: 4 }], top: [{ name: 'cid' }] }]")]
    [InlineData("[{ $group: { _id: '$role', first: { $first: '$name' }, last: { $last: '$name' }, max: { $max: '$age' }, min: { $min: '$age' } } }, { $sort: { _id: 1 } }]",
        "[{ _id: 'admin', first: 'ann', last: 'ann', max: 30, min: 30 }, { _id: 'user', first: 'bob', last: 'dan', max: 35, min: 25 }]")]
    [InlineData("[{ $group: { _id: { c: '$city' }, ages: { $addToSet: '$age' } } }, { $sort: { '_id.c': -1 } }]",
        "[{ _id: { c: 'Rome' }, ages: [25] }, { _id: { c: 'Oslo' }, ages: [30, 35] }]")]
    [InlineData("[{ $redact: { $cond: [{ $eq: ['$role', 'admin'] }, '$$PRUNE', '$$KEEP'] } }, { $count: 'n' }]", "[{ n: 3 }]")]
    [InlineData("[{ $documents: [{ x: 1 }, { x: 2 }] }, { $match: { x: 2 } }]", "[{ x: 2 }]")]
    [InlineData("[{ $sample: { size: 10 } }, { $count: 'n' }]", "[{ n: 4 }]")]
    public async Task Runs(string pipeline, string expected) => await CheckAsync(pipeline, People, expected);

    [Theory]
    [InlineData("[{ $project: { a: 1, b: 0 } }]", 31254)]
    [InlineData("[{ $project: { a: 0, b: 1 } }]", 31253)]
    [InlineData("[{ $project: {} }]", 51272)]
    [InlineData("[{ $limit: 0 }]", 15958)]
    [InlineData("[{ $limit: 'x' }]", 15957)]
    [InlineData("[{ $skip: -1 }]", 15956)]
    [InlineData("[{ $group: { n: { $sum: 1 } } }]", 15955)]
    [InlineData("[{ $group: { _id: 1, n: 1 } }]", 40234)]
    [InlineData("[{ $group: { _id: 1, n: { $bogus: 1 } } }]", 15952)]
    [InlineData("[{ $group: { _id: 1, n: { $sum: [1, 2] } } }]", 40237)]
    [InlineData("[{ $sort: { a: 2 } }]", 15975)]
    [InlineData("[{ $sort: {} }]", 15976)]
    [InlineData("[{ $count: '' }]", 40156)]
    [InlineData("[{ $count: 'a.b' }]", 40160)]
    [InlineData("[{ $unwind: 'tags' }]", 28818)]
    [InlineData("[{ $unwind: { path: '$a', bogus: 1 } }]", 28811)]
    [InlineData("[{ $bogus: 1 }]", 40324)]
    [InlineData("[{ $match: {}, $limit: 1 }]", 40323)]
    [InlineData("[{ $facet: {} }]", 40169)]
    [InlineData("[{ $facet: { a: [{ $out: 'x' }] } }]", 40600)]
    [InlineData("[{ $bucket: { groupBy: '$a', boundaries: [1] } }]", 40192)]
    [InlineData("[{ $bucket: { groupBy: '$a', boundaries: [2, 1] } }]", 40194)]
    [InlineData("[{ $bucket: { groupBy: '$a', boundaries: [0, 1] } }]", 40066)]
    [InlineData("[{ $replaceRoot: { newRoot: '$a' } }]", 40228)]
    [InlineData("[{ $out: 'x' }]", 20)]
    [InlineData("[{ $sample: { size: -1 } }]", 28747)]
    public async Task Fails(string pipeline, int code) => Assert.Equal(code, await ErrorCodeAsync(pipeline));

    [Fact]
    public async Task Project_nested_inclusion_over_arrays_keeps_subfields_of_each_element()
    {
        await CheckAsync("[{ $project: { 'a.b': 1, _id: 0 } }]", "[{ a: [{ b: 1, c: 2 }, 5, { c: 3 }], x: 1 }]", "[{ a: [{ b: 1 }, {}] }]");
    }

    [Fact]
    public async Task AddFields_on_array_path_sets_the_field_in_each_element()
    {
        await CheckAsync("[{ $addFields: { 'a.b': 7 } }]", "[{ a: [{ c: 1 }, { c: 2 }] }]", "[{ a: [{ c: 1, b: 7 }, { c: 2, b: 7 }] }]");
    }

    [Fact]
    public async Task Sort_uses_array_min_ascending_and_max_descending()
    {
        const string docs = "[{ _id: 1, v: [1, 10] }, { _id: 2, v: 5 }, { _id: 3 }]";
        await CheckAsync("[{ $sort: { v: 1 } }, { $project: { _id: 1 } }]", docs, "[{ _id: 3 }, { _id: 1 }, { _id: 2 }]");
        await CheckAsync("[{ $sort: { v: -1 } }, { $project: { _id: 1 } }]", docs, "[{ _id: 1 }, { _id: 2 }, { _id: 3 }]");
    }

    [Fact]
    public async Task Group_key_treats_missing_as_null_and_numbers_by_value()
    {
        await CheckAsync("[{ $group: { _id: '$k', n: { $sum: 1 } } }]", "[{ k: 1 }, { k: 1.0 }, { k: null }, {}]", "[{ _id: 1, n: 2 }, { _id: null, n: 2 }]");
    }
}
