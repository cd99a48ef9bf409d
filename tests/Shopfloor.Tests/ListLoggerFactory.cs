using Microsoft.Extensions.Logging;

namespace Shopfloor.Tests;

/// <summary>A logger factory whose loggers all write into one list, for asserting that a component logs denials.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    private readonly ListLogger<ListLoggerFactory> _logger = new();

    public List<(LogLevel Level, string Message)> Entries => _logger.Entries;

    /// <summary>A snapshot of the messages (the server logs from its connection threads).</summary>
    public List<string> Messages()
    {
        lock (Entries)
        {
            return Entries.ConvertAll(e => e.Message);
        }
    }

    public ILogger CreateLogger(string categoryName) => _logger;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
