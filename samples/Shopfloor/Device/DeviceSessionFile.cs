namespace Shopfloor.Device;

/// <summary>The signed-in session the CLI keeps between commands: sync server, device, department and token (one per line).</summary>
public sealed record DeviceSessionFile(Uri Server, string DeviceId, string DepartmentId, string Token)
{
    private const string FileName = "session.txt";

    /// <summary>Writes the session into <paramref name="directory"/>.</summary>
    public Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        return File.WriteAllLinesAsync(Path.Combine(directory, FileName), [Server.ToString(), DeviceId, DepartmentId, Token], cancellationToken);
    }

    /// <summary>Reads the session of <paramref name="directory"/>; throws when the device never signed in.</summary>
    public static async Task<DeviceSessionFile> LoadAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new InvalidOperationException($"not signed in (no {path}); run `shopfloor-device sign-in` first");
        var lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        return new DeviceSessionFile(new Uri(lines[0]), lines[1], lines[2], lines[3]);
    }
}
