using System.Net;
using Microsoft.Extensions.Logging;
using Outpost.Wire.Auth;
using Outpost.Wire.Commands;
using Outpost.Wire.Commands.Authentication;
using Outpost.Wire.Commands.Diagnostics;
using Outpost.Wire.Commands.Handshake;
using Outpost.Wire.Commands.Testing;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Hosting;

/// <summary>
/// The MongoDB-compatible server assembled: transport + command dispatcher + the command families.
/// Engine-backed families are added through the constructor's configure callback.
/// </summary>
public sealed class MongoWireServer : IAsyncDisposable
{
    /// <summary>Builds the server. <paramref name="configure"/> may add command families and an interceptor before the registry freezes.</summary>
    public MongoWireServer(WireServerOptions transport, WireHostOptions options, IUserStore? users = null, ILoggerFactory? loggerFactory = null,
        Action<CommandRegistry, CommandDispatcher, WireHost>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        options.MaxMessageSize = transport.MaxMessageSize;
        Host = new WireHost(options, users, loggerFactory);
        Commands = new CommandRegistry();
        Commands.Add(new HandshakeCommands());
        Commands.Add(new AuthCommands());
        Commands.Add(new UserCommands());
        Commands.Add(new RoleCommands());
        Diagnostics = new DiagnosticCommands(Commands);
        Commands.Add(Diagnostics);
        if (options.EnableTestCommands) Commands.Add(new TestCommands());
        Dispatcher = new CommandDispatcher(Host, Commands);
        configure?.Invoke(Commands, Dispatcher, Host);
        Transport = new WireServer(transport, Dispatcher, loggerFactory?.CreateLogger<WireServer>());
        Host.Transport = Transport;
    }

    /// <summary>Shared server state.</summary>
    public WireHost Host { get; }

    /// <summary>The command table.</summary>
    public CommandRegistry Commands { get; }

    /// <summary>The diagnostics family (other families add serverStatus sections to it).</summary>
    public DiagnosticCommands Diagnostics { get; }

    /// <summary>The request handler.</summary>
    public CommandDispatcher Dispatcher { get; }

    /// <summary>The TCP listener.</summary>
    public WireServer Transport { get; }

    /// <summary>The bound address.</summary>
    public IPEndPoint LocalEndPoint => Transport.LocalEndPoint;

    /// <summary>Starts accepting connections.</summary>
    public void Start() => Transport.Start();

    /// <summary>Graceful stop: in-flight requests finish, then connections close.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => Transport.StopAsync(cancellationToken);

    /// <summary>Stops the server.</summary>
    public ValueTask DisposeAsync() => Transport.DisposeAsync();
}
