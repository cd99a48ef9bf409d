using System.Net;
using Outpost.Wire.Transport;

namespace Outpost.Server;

/// <summary>Options of <c>outpost serve</c>, parsed from the command line.</summary>
public sealed class ServeOptions
{
    public int Port { get; set; } = 27017;
    public int HttpPort { get; set; } = 8080;
    public string DataDirectory { get; set; } = "./outpost-data";
    /// <summary><c>sqlite</c> (the default, files under <see cref="DataDirectory"/>) or a <c>postgresql://</c> URL.</summary>
    public string Storage { get; set; } = "sqlite";
    public IPAddress Bind { get; set; } = IPAddress.Loopback;
    /// <summary>The host:port drivers are told to use (hello's hosts/me); defaults to the bound address.</summary>
    public string? Advertise { get; set; }
    public string ReplicaSetName { get; set; } = "rs0";
    public bool Auth { get; set; }
    public bool EnableTestCommands { get; set; }
    /// <summary>Extended JSON file with the sync rules and token key; sync is off without it.</summary>
    public string? SyncConfigFile { get; set; }
    /// <summary>TLS certificate for the wire port: a PEM file (certificate and key, or the key in <see cref="TlsKeyFile"/>) or a PKCS#12 file.</summary>
    public string? TlsCertificateFile { get; set; }
    /// <summary>PEM private key for <see cref="TlsCertificateFile"/> when it is not in the same file.</summary>
    public string? TlsKeyFile { get; set; }
    /// <summary>Most wire connections open at once.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>`--transport auto|pipes|threads`: how plain-TCP connections are served (WireServerOptions.Transport).</summary>
    public WireTransportMode Transport { get; set; } = WireTransportMode.Adaptive;

    public string AdvertisedAddress => Advertise ?? $"{(Bind.Equals(IPAddress.Any) ? "localhost" : Bind.ToString())}:{Port}".ToLowerInvariant();
}
