using Outpost.Bson;
using Shopfloor.Domain;
using Shopfloor.Mapping;
using Shopfloor.Validation;

namespace Shopfloor.Tests;

public sealed class DepartmentValidationTests
{
    private readonly DepartmentRules _rules = new ShopfloorSchemas().DepartmentRules;

    [Fact]
    public void All_five_departments_are_valid_and_round_trip()
    {
        foreach (var info in Departments.All)
        {
            var bson = DepartmentMapper.ToBson(Samples.Department(info));
            Assert.True(_rules.Validate(bson).IsValid, info.Name + ": " + _rules.Validate(bson));
            Assert.Equal(bson, DepartmentMapper.ToBson(DepartmentMapper.FromBson(bson)));
        }
    }

    [Fact]
    public void Codes_are_three_letters_and_unique()
    {
        Assert.All(Departments.All, d => Assert.Matches("^[A-Z]{3}$", d.Code));
        Assert.Equal(5, Departments.All.Select(d => d.Code).Distinct().Count());
        Assert.Equal(new[] { "Paint", "Built Up/Structural", "Panel/Trim", "Z-Line", "QA/QC" }, Departments.Names);
        Assert.Same(Departments.QaQc, Departments.FindByCode("qac"));
    }

    [Fact]
    public void Seed_defaults_apply_when_optional_fields_are_absent()
    {
        var bson = new BsonDocument
        {
            { "_id", "PAINT" }, { "name", "Paint" }, { "code", "PNT" }, { "settings", new BsonDocument() },
            { "createdAt", Samples.Now }, { "updatedAt", Samples.Now },
        };
        Assert.True(_rules.Validate(bson).IsValid, _rules.Validate(bson).ToString());
        var d = DepartmentMapper.FromBson(bson);
        Assert.True(d.Active);
        Assert.Equal(SyncPolicy.Batch, d.SyncPolicy);
        Assert.Equal(15, d.SyncFrequencyMinutes);
        Assert.Equal(new DepartmentSettings().CompressionQuality, d.Settings.CompressionQuality);
        Assert.Equal(100, d.Settings.MaxPhotosPerSession);
        Assert.Equal(365, d.Settings.PhotoRetentionDays);
    }

    [Theory]
    [InlineData("settings.compressionQuality", 49, false, RuleNames.Minimum)]
    [InlineData("settings.compressionQuality", 50, true, null)]
    [InlineData("settings.compressionQuality", 100, true, null)]
    [InlineData("settings.compressionQuality", 101, false, RuleNames.Maximum)]
    [InlineData("settings.maxPhotosPerSession", 0, false, RuleNames.ExclusiveMinimum)]
    [InlineData("settings.maxPhotosPerSession", 1, true, null)]
    [InlineData("settings.photoRetentionDays", 0, false, RuleNames.ExclusiveMinimum)]
    [InlineData("settings.photoRetentionDays", 1, true, null)]
    [InlineData("settings.requireGPSLocation", "yes", false, RuleNames.BsonType)]
    [InlineData("syncPolicy", "batch", true, null)]
    [InlineData("syncPolicy", "manual", true, null)]
    [InlineData("syncPolicy", "sometimes", false, RuleNames.Enum)]
    [InlineData("syncFrequencyMinutes", 0, false, RuleNames.ExclusiveMinimum)]
    [InlineData("syncFrequencyMinutes", 0.5, true, null)]
    [InlineData("active", 1, false, RuleNames.BsonType)]
    [InlineData("code", "PN", false, RuleNames.MinLength)]
    [InlineData("code", "pnt", false, RuleNames.Pattern)]
    [InlineData("name", "Welding", false, RuleNames.Enum)]
    [InlineData("_id", "WELD", false, RuleNames.Enum)]
    public void Boundary(string path, object value, bool valid, string? rule)
    {
        var doc = DepartmentMapper.ToBson(Samples.Department(Departments.Paint)).With(path, PhotoValidationTests.ToBson(value));
        var result = _rules.Validate(doc);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.Contains(result.Violations, v => v.Path == path && v.Rule == rule);
        }
    }

    [Fact]
    public void Id_name_and_code_must_belong_together()
    {
        var doc = DepartmentMapper.ToBson(Samples.Department(Departments.Paint)).With("code", "QAC").With("name", "QA/QC");
        var result = _rules.Validate(doc);
        Assert.Equal(new[] { "code", "name" }, result.Violations.Select(v => v.Path).Order().ToArray());
        Assert.All(result.Violations, v => Assert.Equal(RuleNames.KnownDepartment, v.Rule));
    }

    [Fact]
    public void Mandatory_fields_must_be_distinct_photo_fields()
    {
        var doc = DepartmentMapper.ToBson(Samples.Department(Departments.Paint))
            .With("settings.mandatoryFields", new BsonArray { "metadata.qualityRating", "metadata.colour", "metadata.qualityRating" });
        var result = _rules.Validate(doc);
        Assert.Equal(new[] { ("settings.mandatoryFields.1", RuleNames.Enum), ("settings.mandatoryFields.2", RuleNames.UniqueItems) },
            result.Violations.Select(v => (v.Path, v.Rule)).ToArray());
    }

    [Fact]
    public void Missing_settings_and_dates_are_named()
    {
        var doc = DepartmentMapper.ToBson(Samples.Department(Departments.Paint)).Without("settings").Without("createdAt");
        Assert.Equal(new[] { "createdAt", "settings" }, _rules.Validate(doc).Violations.Select(v => v.Path).Order().ToArray());
    }
}
