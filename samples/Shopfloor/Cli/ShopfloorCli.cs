namespace Shopfloor.Cli;

/// <summary>The sample's command line: serve, demo, migrate.</summary>
public static class ShopfloorCli
{
    /// <summary>Runs one verb; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Console.WriteLine("usage: shopfloor serve | demo | migrate up|down <version>|status");
        return Task.FromResult(args.Length == 0 ? 0 : 2);
    }
}
