using System.Net;

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

    public string AdvertisedAddress => Advertise ?? $"{(Bind.Equals(IPAddress.Any) ? "localhost" : Bind.ToString())}:{Port}".ToLowerInvariant();
}
