namespace Outpost.Bson.Tests;

/// <summary>Locates the repository and the shared MongoDB spec data from a test's output directory.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding Outpost.sln (walking up from the test binaries).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The shared MongoDB spec checkout: ../shared/mongo-spec relative to the repository, or the nearest
    /// shared/mongo-spec further up (git worktrees live one level deeper), or $OUTPOST_MONGO_SPEC when set.
    /// </summary>
    public static string MongoSpec { get; } = FindMongoSpec();

    /// <summary>The BSON corpus (bson-corpus/*.json).</summary>
    public static string BsonCorpus => Path.Combine(MongoSpec, "bson-corpus");

    private static string FindMongoSpec()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("OUTPOST_MONGO_SPEC");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        for (var dir = new DirectoryInfo(Root).Parent; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "mongo-spec");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(Path.Combine(Root, "..", "shared", "mongo-spec"));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Outpost.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Outpost.sln above {AppContext.BaseDirectory}.");
    }
}
