using Outpost.Engine.Client;

namespace Outpost.Engine.Tests.Client;

/// <summary>An <see cref="OutpostDatabase"/> on a SQLite file in its own temp directory, deleted afterwards.</summary>
internal sealed class TypedDatabase : IAsyncDisposable
{
    private TypedDatabase(string directory, OutpostDatabase db)
    {
        Directory = directory;
        Db = db;
    }

    public string Directory { get; }
    public string Path => System.IO.Path.Combine(Directory, "typed.db");
    public OutpostDatabase Db { get; private set; }

    public static async Task<TypedDatabase> StartAsync(OutpostDatabaseOptions? options = null)
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "outpost-typed-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return new TypedDatabase(directory, await OutpostDatabase.OpenAsync(System.IO.Path.Combine(directory, "typed.db"), options, TestContext.Current.CancellationToken));
    }

    public async Task RestartAsync(OutpostDatabaseOptions? options = null)
    {
        await Db.DisposeAsync();
        Db = await OutpostDatabase.OpenAsync(Path, options, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
