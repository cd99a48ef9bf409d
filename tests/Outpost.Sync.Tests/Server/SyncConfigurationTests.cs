using Outpost.Bson;
using Outpost.Sync.Merge;
using Outpost.Sync.Server;

namespace Outpost.Sync.Tests.Server;

public class SyncConfigurationTests
{
    private const string Key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="; // 32 bytes

    [Fact]
    public void Rules_and_merge_policies_are_read_from_extended_json()
    {
        var config = SyncConfiguration.FromDocument(BsonDocument.Parse("""
            { database: "plant", jwtKeyBase64: "KEY",
              collections: { photos: {
                read: { departmentId: "{{token.departmentId}}" }, writableFields: ["quality", "notes"], allowDelete: false,
                merge: { fields: { tags: "setUnion", notes: "appendWithAttribution",
                                   syncStatus: { priority: ["synced", "syncing", "pending", "failed", "conflicted"] } } } } } }
            """.Replace("KEY", Key, StringComparison.Ordinal)));
        Assert.Equal("plant", config.Options.Database);
        Assert.Equal(32, config.JwtKey.Length);
        var rule = Assert.Single(config.Options.Rules);
        Assert.Equal("photos", rule.Collection);
        Assert.Equal("{{token.departmentId}}", rule.ReadFilter["departmentId"].AsString);
        Assert.Equal(["quality", "notes"], rule.WritableFields!);
        Assert.False(rule.AllowDelete);
        Assert.True(rule.AllowInsert);
        Assert.Equal(MergeStrategy.SetUnion, rule.Policy.Resolve("tags").Policy.Strategy);
        Assert.Equal(MergeStrategy.AppendWithAttribution, rule.Policy.Resolve("notes").Policy.Strategy);
        Assert.Equal(5, rule.Policy.Resolve("syncStatus").Policy.RankOf("synced"));
        Assert.Equal(MergeStrategy.FieldMerge, rule.Policy.Resolve("quality").Policy.Strategy);
    }

    [Theory]
    [InlineData("{ collections: {} }")]
    [InlineData("{ jwtKeyBase64: 'c2hvcnQ=' }")]
    [InlineData("{ jwtKeyBase64: '" + Key + "', collections: { p: { merge: { fields: { a: 'nonsense' } } } } }")]
    [InlineData("{ jwtKeyBase64: '" + Key + "', collections: { p: { merge: { fields: { a: 'custom' } } } } }")]
    public void Bad_configurations_are_refused_with_a_message(string json)
    {
        var e = Assert.Throws<FormatException>(() => SyncConfiguration.FromDocument(BsonDocument.Parse(json)));
        Assert.StartsWith("sync config:", e.Message);
    }

    [Fact]
    public void The_example_in_docs_loads()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Outpost.sln"))) dir = dir.Parent;
        var config = SyncConfiguration.Load(Path.Combine(dir!.FullName, "docs", "sync-config.example.json"));
        Assert.Equal("plant", config.Options.Database);
        Assert.Equal(2, config.Options.Rules.Count);
        Assert.True(config.Options.Rules[1].ReadOnly);
        Assert.Equal(MergeStrategy.KeepBoth, config.Options.Rules[0].Policy.Resolve("qaDecision").Policy.Strategy);
    }
}
