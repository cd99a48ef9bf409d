namespace Outpost.Engine.Query;

/// <summary>
/// A read's first snapshot shows a catalog its plan was not made on (another server node dropped the index or the
/// collection after this node cached its catalog). Never reaches users: the find plans again on the reloaded catalog.
/// </summary>
internal sealed class StaleCatalogException : Exception
{
    public StaleCatalogException()
        : base("the read's plan was made on a stale catalog")
    {
    }
}
