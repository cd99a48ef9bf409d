using Outpost.Server;

namespace Outpost.Server.Tests;

public class CliTests
{
    [Fact]
    public void Serve_defaults_follow_the_contract()
    {
        Assert.True(OutpostCli.TryParseServe([], out var o, out _));
        Assert.Equal(27017, o!.Port);
        Assert.Equal(8080, o.HttpPort);
        Assert.Equal("sqlite", o.Storage);
        Assert.Equal("127.0.0.1", o.Bind.ToString());
        Assert.Equal("127.0.0.1:27017", o.AdvertisedAddress);
    }

    [Fact]
    public void Serve_parses_every_option()
    {
        Assert.True(OutpostCli.TryParseServe(
            ["--port", "27018", "--http-port", "8081", "--data", "/tmp/x", "--storage", "postgresql://u@h:5432/db",
             "--advertise", "Host:1", "--auth", "--enable-test-commands", "--replica-set", "rsX"], out var o, out var error), error);
        Assert.Equal(27018, o!.Port);
        Assert.Equal(8081, o.HttpPort);
        Assert.Equal("/tmp/x", o.DataDirectory);
        Assert.Equal("postgresql://u@h:5432/db", o.Storage);
        Assert.Equal("host:1", o.AdvertisedAddress);
        Assert.True(o.Auth);
        Assert.True(o.EnableTestCommands);
        Assert.Equal("rsX", o.ReplicaSetName);
    }

    [Theory]
    [InlineData("--port", "x")]
    [InlineData("--port", "70000")]
    [InlineData("--storage", "mysql://a")]
    [InlineData("--nope", "1")]
    public void Serve_rejects_bad_options(string name, string value)
    {
        Assert.False(OutpostCli.TryParseServe([name, value], out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
