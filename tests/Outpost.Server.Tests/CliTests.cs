using Outpost.Server;
using Outpost.Wire.Transport;

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
        Assert.Equal(WireTransportMode.Adaptive, o.Transport);
    }

    [Fact]
    public void Serve_parses_every_option()
    {
        Assert.True(OutpostCli.TryParseServe(
            ["--port", "27018", "--http-port", "8081", "--data", "/tmp/x", "--storage", "postgresql://u@h:5432/db",
             "--advertise", "Host:1", "--auth", "--enable-test-commands", "--replica-set", "rsX", "--transport", "threads"], out var o, out var error), error);
        Assert.Equal(27018, o!.Port);
        Assert.Equal(8081, o.HttpPort);
        Assert.Equal("/tmp/x", o.DataDirectory);
        Assert.Equal("postgresql://u@h:5432/db", o.Storage);
        Assert.Equal("host:1", o.AdvertisedAddress);
        Assert.True(o.Auth);
        Assert.True(o.EnableTestCommands);
        Assert.Equal("rsX", o.ReplicaSetName);
        Assert.Equal(WireTransportMode.Threads, o.Transport);
    }

    [Theory]
    [InlineData("--port", "x")]
    [InlineData("--port", "70000")]
    [InlineData("--storage", "mysql://a")]
    [InlineData("--nope", "1")]
    [InlineData("--transport", "fibers")]
    public void Serve_rejects_bad_options(string name, string value)
    {
        Assert.False(OutpostCli.TryParseServe([name, value], out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Serve_refuses_a_postgresql_url_with_an_unknown_parameter_naming_it()
    {
        Assert.False(OutpostCli.TryParseServe(["--storage", "postgresql://u@h/db?sslmod=require"], out _, out var error));
        Assert.Contains("sslmod", error, StringComparison.Ordinal);
        Assert.True(OutpostCli.TryParseServe(["--storage", "postgresql://u@h/db?sslmode=require&application_name=node1&maximum_pool_size=20"], out _, out _));
    }

    [Fact]
    public void A_postgresql_url_keeps_its_query_options_in_the_connection_string()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ServerHost.ToNpgsqlConnectionString("postgresql://u:pw@h:5433/db?sslmode=require&application_name=node1"));
        Assert.Equal(("h", 5433, "db", "u", "pw"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
        Assert.Equal(Npgsql.SslMode.Require, builder.SslMode);
        Assert.Equal("node1", builder.ApplicationName);
    }
}
