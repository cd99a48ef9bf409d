using System.Globalization;

namespace Shopfloor.Cli;

/// <summary><c>--name value</c> options and positional words of one verb.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _named = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                options._named[args[i][2..]] = args[++i];
            }
            else
            {
                options.Positional.Add(args[i]);
            }
        }
        return options;
    }

    public string? Get(string name) => _named.TryGetValue(name, out var v) ? v : null;

    public int? Int(string name) => Get(name) is { } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--{name} expects an integer, got '{v}'")
        : null;
}
