using Outpost.Bson;
using Shopfloor.Mapping;
using Shopfloor.Validation;

namespace Shopfloor.Tests;

public sealed class ProjectValidationTests
{
    private readonly ProjectRules _rules = new();

    private static BsonDocument Valid() => ProjectMapper.ToBson(Samples.Project());

    [Fact]
    public void Valid_project_passes_and_round_trips()
    {
        var bson = Valid();
        Assert.True(_rules.Validate(bson).IsValid, _rules.Validate(bson).ToString());
        Assert.Equal("on-hold", bson["status"].AsString);
        Assert.Equal(bson, ProjectMapper.ToBson(ProjectMapper.FromBson(bson)));
    }

    [Theory]
    [InlineData("jobNumber", "", false, RuleNames.MinLength)]
    [InlineData("jobNumber", "JOB 1", false, RuleNames.Pattern)]
    [InlineData("jobNumber", "J", true, null)]
    [InlineData("name", "", false, RuleNames.MinLength)]
    [InlineData("client", "", false, RuleNames.MinLength)]
    [InlineData("status", "completed", true, null)]
    [InlineData("status", "paused", false, RuleNames.Enum)]
    [InlineData("priority", "critical", true, null)]
    [InlineData("priority", "urgent", false, RuleNames.Enum)]
    [InlineData("metadata.qualityScore", -0.1, false, RuleNames.Minimum)]
    [InlineData("metadata.qualityScore", 0.0, true, null)]
    [InlineData("metadata.qualityScore", 10.0, true, null)]
    [InlineData("metadata.qualityScore", 10.1, false, RuleNames.Maximum)]
    [InlineData("metadata.estimatedPhotos", 0, false, RuleNames.ExclusiveMinimum)]
    [InlineData("metadata.estimatedPhotos", 1, true, null)]
    [InlineData("metadata.actualPhotos", -1, false, RuleNames.Minimum)]
    [InlineData("parts.0.requiredPhotos", -1, false, RuleNames.Minimum)]
    [InlineData("parts.0.requiredPhotos", 0, true, null)]
    [InlineData("parts.0.partNumber", "", false, RuleNames.MinLength)]
    public void Boundary(string path, object value, bool valid, string? rule)
    {
        var doc = Valid();
        if (path.StartsWith("parts.0.", StringComparison.Ordinal))
        {
            doc["parts"].AsArray[0].AsDocument.Set(path["parts.0.".Length..], PhotoValidationTests.ToBson(value));
        }
        else
        {
            doc.With(path, PhotoValidationTests.ToBson(value));
        }
        var result = _rules.Validate(doc);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.All(result.Violations, v => Assert.Equal(path, v.Path));
            Assert.Contains(result.Violations, v => v.Rule == rule);
        }
    }

    [Fact]
    public void End_dates_must_not_precede_the_start()
    {
        var doc = Valid().With("expectedEndDate", Samples.Now.AddDays(-1)).With("actualEndDate", Samples.Now.AddSeconds(-1));
        var result = _rules.Validate(doc);
        Assert.Equal(new[] { ("actualEndDate", RuleNames.DateOrder), ("expectedEndDate", RuleNames.DateOrder) },
            result.Violations.Select(v => (v.Path, v.Rule)).Order().ToArray());
        Assert.True(_rules.Validate(Valid().With("expectedEndDate", Samples.Now).With("actualEndDate", Samples.Now)).IsValid);
    }

    [Fact]
    public void Departments_must_be_known_and_distinct_and_part_ids_unique()
    {
        var doc = Valid().With("departments", new BsonArray { "PAINT", "PAINT", "WELD" });
        doc["parts"].AsArray[1].AsDocument.Set("id", "PART-001");
        var result = _rules.Validate(doc);
        Assert.Equal(new[] { ("departments.1", RuleNames.UniqueItems), ("departments.2", RuleNames.Enum), ("parts.1.id", RuleNames.UniqueIds) },
            result.Violations.Select(v => (v.Path, v.Rule)).Order().ToArray());
    }

    [Fact]
    public void Empty_project_names_every_required_field()
    {
        var result = _rules.Validate(new BsonDocument());
        Assert.Equal(
            new[] { "_id", "client", "createdAt", "departments", "expectedEndDate", "jobNumber", "metadata", "name", "parts", "startDate", "status", "updatedAt" },
            result.Violations.Select(v => v.Path).Order(StringComparer.Ordinal).ToArray());
    }
}
