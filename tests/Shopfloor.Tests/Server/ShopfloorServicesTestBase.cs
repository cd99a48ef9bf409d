using Outpost.Engine;
using Shopfloor.Server;

namespace Shopfloor.Tests.Server;

/// <summary>
/// The set-up most service tests share: an embedded engine on a SQLite file in a fresh temporary directory, the
/// Shopfloor services on its "shopfloor" database (dashboard rollups off unless a test class asks for them), and the
/// directory removed afterwards.
/// </summary>
public abstract class ShopfloorServicesTestBase : IAsyncLifetime
{
    /// <param name="prefix">Names the temporary directory (shopfloor-&lt;prefix&gt;-&lt;guid&gt;), to tell leftovers apart.</param>
    protected ShopfloorServicesTestBase(string prefix)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), $"shopfloor-{prefix}-{Guid.NewGuid():N}");
    }

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The temporary directory holding the database file and the services' data.</summary>
    protected string DataDirectory { get; }

    /// <summary>The engine under the services.</summary>
    protected OutpostEngine Engine { get; private set; } = null!;

    /// <summary>The Shopfloor services under test.</summary>
    protected ShopfloorServices Services { get; private set; } = null!;

    /// <summary>Whether the services keep dashboard rollups (off by default: most tests don't read the dashboard).</summary>
    protected virtual bool DashboardRollups => false;

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        Engine = await OutpostEngine.OpenAsync(Path.Combine(DataDirectory, "shopfloor.db"), Ct);
        Services = await ShopfloorServices.CreateAsync(Engine.GetDatabase("shopfloor"), new ShopfloorOptions { DataDirectory = DataDirectory, DashboardRollups = DashboardRollups }, cancellationToken: Ct);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Engine.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A reader still closing on a loaded machine; the OS cleans its temporary directory.
        }
        GC.SuppressFinalize(this);
    }
}
