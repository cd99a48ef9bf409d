namespace Outpost.Storage.Sqlite;

/// <summary>SQLite's <c>PRAGMA synchronous</c> in WAL mode.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>Every commit is fsynced: an acknowledged commit survives a power loss. The default.</summary>
    Full,

    /// <summary>Commits survive a process crash but the last ones may be lost on power loss; faster.</summary>
    Normal,
}
