using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// The entry point of the embedded typed API: a database of an <see cref="OutpostEngine"/> with typed collections,
/// sessions and a shared <see cref="BsonMapper"/>.
/// <code>
/// await using var db = await OutpostDatabase.OpenAsync("app.db");
/// var photos = db.GetCollection&lt;Photo&gt;("photos");
/// await photos.InsertOneAsync(new Photo { Title = "weld seam" });
/// var recent = await photos.Find(p =&gt; p.Size &gt; 1000).SortByDescending(p =&gt; p.TakenAt).Limit(10).ToListAsync();
/// </code>
/// </summary>
public sealed class OutpostDatabase : IAsyncDisposable
{
    private readonly bool _ownsEngine;

    /// <summary>A database over an engine the caller keeps owning.</summary>
    public OutpostDatabase(OutpostEngine engine, string name = "default", BsonMapper? mapper = null)
        : this(engine, name, mapper ?? new BsonMapper(), ownsEngine: false)
    {
    }

    private OutpostDatabase(OutpostEngine engine, string name, BsonMapper mapper, bool ownsEngine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        Database = engine.GetDatabase(name);
        Mapper = mapper;
        _ownsEngine = ownsEngine;
    }

    /// <summary>Opens (creating if needed) a SQLite database file; disposing the result closes the engine.</summary>
    public static async Task<OutpostDatabase> OpenAsync(string path, OutpostDatabaseOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OutpostDatabaseOptions();
        var engine = await OutpostEngine.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        return new OutpostDatabase(engine, options.DatabaseName, new BsonMapper(options.Mapping), ownsEngine: true);
    }

    /// <summary>Synchronous convenience for <see cref="OpenAsync"/> (startup code, scripts).</summary>
    public static OutpostDatabase Open(string path, OutpostDatabaseOptions? options = null) =>
        OpenAsync(path, options).GetAwaiter().GetResult();

    /// <summary>The engine underneath.</summary>
    public OutpostEngine Engine { get; }

    /// <summary>The BsonDocument-level database.</summary>
    public Database Database { get; }

    /// <summary>The database name.</summary>
    public string Name => Database.Name;

    /// <summary>The mapper shared by this database's typed collections.</summary>
    public BsonMapper Mapper { get; }

    /// <summary>A typed collection (created on first insert).</summary>
    public IOutpostCollection<T> GetCollection<T>(string name) => new OutpostCollection<T>(Database.GetCollection(name), Mapper);

    /// <summary>A collection of raw documents.</summary>
    public IOutpostCollection<BsonDocument> GetCollection(string name) => GetCollection<BsonDocument>(name);

    /// <summary>Names of the database's collections and views.</summary>
    public async Task<List<string>> ListCollectionNamesAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        foreach (var info in await Database.ListCollectionsAsync(null, true, null, cancellationToken).ConfigureAwait(false)) names.Add(info["name"].AsString);
        return names;
    }

    /// <summary>Drops a collection; false when it did not exist.</summary>
    public Task<bool> DropCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        Database.DropCollectionAsync(name, null, cancellationToken);

    /// <summary>Starts a session for transactions.</summary>
    public Task<OutpostSession> StartSessionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new OutpostSession(Engine));
    }

    /// <summary>Closes the engine when this database opened it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsEngine) await Engine.DisposeAsync().ConfigureAwait(false);
    }
}
