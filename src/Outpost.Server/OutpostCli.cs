using System.Net;
using System.Reflection;
using Outpost.Wire.Transport;

namespace Outpost.Server;

/// <summary>The <c>outpost</c> command line: <c>serve</c>, <c>--version</c>, <c>--help</c>.</summary>
public static class OutpostCli
{
    public static string Version =>
        typeof(OutpostCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public const string Usage = """
        outpost — an offline-first document database that speaks the MongoDB wire protocol

        Usage:
          outpost serve [options]     start the server
          outpost --version           print the version
          outpost --help              print this help

        serve options:
          --port <n>                  MongoDB wire protocol port (default 27017)
          --http-port <n>             HTTP port: sync, REST, /healthz, /metrics (default 8080)
          --data <dir>                data directory for the embedded SQLite store (default ./outpost-data)
          --storage <s>               sqlite (default) or postgresql://user@host:port/db
          --bind <address>            address to listen on (default 127.0.0.1)
          --advertise <host:port>     address reported to drivers in hello (default: the bound address)
          --replica-set <name>        replica set name reported in hello (default rs0)
          --auth                      require SCRAM authentication
          --enable-test-commands      enable configureFailPoint and other driver test commands
          --sync-config <file>        serve offline-first sync on the HTTP port with these rules (docs/sync-protocol.md)
          --tls-cert <file>           serve the wire port over TLS (PEM with key, or PKCS#12)
          --tls-key <file>            PEM private key when not inside --tls-cert
          --max-connections <n>       most wire connections at once (default 1000)
          --transport <auto|pipes|threads>  plain-TCP connections: auto (default) = a thread with blocking socket calls
                                      per busy connection, idle ones on asynchronous calls; pipes = pipes over the
                                      thread pool for all; threads = one thread each for life, as mongod
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }
        if (args[0] is "--version" or "-v" or "version")
        {
            Console.WriteLine($"outpost {Version}");
            return 0;
        }
        if (args[0] == "serve")
        {
            if (!TryParseServe(args.AsSpan(1), out var options, out var error))
            {
                await Console.Error.WriteLineAsync($"outpost serve: {error}").ConfigureAwait(false);
                return 2;
            }
            return await ServerHost.RunAsync(options!).ConfigureAwait(false);
        }
        await Console.Error.WriteLineAsync($"outpost: unknown command '{args[0]}'. See 'outpost --help'.").ConfigureAwait(false);
        return 2;
    }

    public static bool TryParseServe(ReadOnlySpan<string> args, out ServeOptions? options, out string? error)
    {
        var o = new ServeOptions();
        options = null;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string? NextValue(ReadOnlySpan<string> a, ref int index)
            {
                if (index + 1 >= a.Length) return null;
                return a[++index];
            }
            switch (name)
            {
                case "--auth": o.Auth = true; continue;
                case "--enable-test-commands": o.EnableTestCommands = true; continue;
            }
            string? value = NextValue(args, ref i);
            if (value is null)
            {
                error = $"option {name} needs a value";
                return false;
            }
            switch (name)
            {
                case "--port" when int.TryParse(value, out int p) && p is >= 0 and <= 65535: o.Port = p; break;
                case "--http-port" when int.TryParse(value, out int hp) && hp is >= 0 and <= 65535: o.HttpPort = hp; break;
                case "--data": o.DataDirectory = value; break;
                case "--sync-config": o.SyncConfigFile = value; break;
                case "--storage": o.Storage = value; break;
                case "--bind" when IPAddress.TryParse(value == "localhost" ? "127.0.0.1" : value, out var ip): o.Bind = ip; break;
                case "--advertise": o.Advertise = value.ToLowerInvariant(); break;
                case "--replica-set": o.ReplicaSetName = value; break;
                case "--tls-cert": o.TlsCertificateFile = value; break;
                case "--tls-key": o.TlsKeyFile = value; break;
                case "--max-connections" when int.TryParse(value, out int mc) && mc > 0: o.MaxConnections = mc; break;
                case "--transport" when value is "auto" or "pipes" or "threads":
                    o.Transport = value switch { "pipes" => WireTransportMode.Pipes, "threads" => WireTransportMode.Threads, _ => WireTransportMode.Adaptive };
                    break;
                default:
                    error = $"unknown option or bad value: {name} {value}";
                    return false;
            }
        }
        if (o.Storage != "sqlite" && !Outpost.Storage.Postgres.PostgresConnectionUri.IsUri(o.Storage))
        {
            error = $"--storage must be 'sqlite' or a postgresql:// URL, not '{o.Storage}'";
            return false;
        }
        if (o.Storage != "sqlite")
        {
            try
            {
                // Refuse a bad URL (unknown parameter, bad sslmode…) before starting anything.
                _ = Outpost.Storage.Postgres.PostgresConnectionUri.ToConnectionString(o.Storage);
            }
            catch (ArgumentException e)
            {
                error = "--storage: " + e.Message;
                return false;
            }
        }
        options = o;
        return true;
    }
}
