using Npgsql;
using Outpost.Storage.Postgres;

namespace Outpost.Storage.Tests;

/// <summary>libpq connection URIs (what <c>outpost serve --storage</c> takes) → Npgsql connection strings.</summary>
public sealed class PostgresConnectionUriTests
{
    private static NpgsqlConnectionStringBuilder Parse(string uri) => new(PostgresConnectionUri.ToConnectionString(uri));

    [Fact]
    public void User_password_host_port_and_database_are_mapped_and_percent_decoded()
    {
        var b = Parse("postgresql://app%40plant:p%40ss%3Bword@db.example:6543/outpost%2Dprod");
        Assert.Equal("app@plant", b.Username);
        Assert.Equal("p@ss;word", b.Password);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("outpost-prod", b.Database);
    }

    [Fact]
    public void The_short_scheme_and_a_bare_host_work()
    {
        var b = Parse("postgres://localhost");
        Assert.Equal("localhost", b.Host);
        Assert.Equal(5432, b.Port);
        Assert.Null(b.Database);
    }

    [Fact]
    public void Several_hosts_and_ipv6_addresses_become_an_npgsql_host_list()
    {
        Assert.Equal("pg1:5432,pg2:5433", Parse("postgresql://u@pg1:5432,pg2:5433/db?target_session_attrs=read-write").Host);
        Assert.Equal("read-write", Parse("postgresql://u@pg1:5432,pg2:5433/db?target_session_attrs=read-write").TargetSessionAttributes, ignoreCase: true);
        var v6 = Parse("postgresql://[::1]:5544/db");
        Assert.Equal("::1", v6.Host);
        Assert.Equal(5544, v6.Port);
    }

    [Fact]
    public void Libpq_query_parameters_are_applied()
    {
        var b = Parse("postgresql://u@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&sslcert=c.pem&sslkey=k.pem"
            + "&application_name=outpost-node-2&options=-c%20statement_timeout%3D5000&connect_timeout=7&keepalives_idle=30"
            + "&keepalives_interval=5&client_encoding=UTF8&channel_binding=require&load_balance_hosts=random&passfile=%2Fp");
        Assert.Equal(SslMode.VerifyFull, b.SslMode);
        Assert.Equal("/etc/ca.pem", b.RootCertificate);
        Assert.Equal("c.pem", b.SslCertificate);
        Assert.Equal("k.pem", b.SslKey);
        Assert.Equal("outpost-node-2", b.ApplicationName);
        Assert.Equal("-c statement_timeout=5000", b.Options);
        Assert.Equal(7, b.Timeout);
        Assert.Equal(30, b.TcpKeepAliveTime);
        Assert.Equal(5, b.TcpKeepAliveInterval);
        Assert.Equal("UTF8", b.ClientEncoding);
        Assert.Equal(ChannelBinding.Require, b.ChannelBinding);
        Assert.True(b.LoadBalanceHosts);
        Assert.Equal("/p", b.Passfile);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Every_libpq_sslmode_maps(string mode, SslMode expected) =>
        Assert.Equal(expected, Parse("postgresql://h/db?sslmode=" + mode).SslMode);

    [Fact]
    public void Fallback_application_name_never_overrides_application_name()
    {
        Assert.Equal("a", Parse("postgresql://h/db?application_name=a&fallback_application_name=b").ApplicationName);
        Assert.Equal("b", Parse("postgresql://h/db?fallback_application_name=b").ApplicationName);
    }

    [Fact]
    public void Npgsql_keywords_set_what_libpq_lacks_such_as_the_pool_size()
    {
        var b = Parse("postgresql://h/db?maximum_pool_size=50&Minimum%20Pool%20Size=2&command_timeout=90");
        Assert.Equal(50, b.MaxPoolSize);
        Assert.Equal(2, b.MinPoolSize);
        Assert.Equal(90, b.CommandTimeout);
    }

    [Theory]
    [InlineData("postgresql://h/db?sslmod=require", "sslmod")]
    [InlineData("postgresql://h/db?sslmode=sometimes", "sslmode")]
    [InlineData("postgresql://h/db?maximum_pool_size=many", "maximum_pool_size")]
    [InlineData("postgresql://h/db?keepalives=2", "keepalives")]
    [InlineData("postgresql://h/db?application_name", "application_name")]
    [InlineData("postgresql://h:99999/db", "99999")]
    [InlineData("mysql://h/db", "mysql://h/db")]
    public void Unknown_or_invalid_parameters_are_refused_with_their_name(string uri, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresConnectionUri.ToConnectionString(uri));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_converted_uri_connects_to_the_test_server()
    {
        var url = Environment.GetEnvironmentVariable("OUTPOST_TEST_POSTGRES_URL");
        if (string.IsNullOrWhiteSpace(url)) Assert.Skip("OUTPOST_TEST_POSTGRES_URL (a postgresql:// URL of the test server) is not set.");
        var separator = url.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        await using var connection = new NpgsqlConnection(PostgresConnectionUri.ToConnectionString(url + separator + "application_name=outpost-uri-test&sslmode=disable"));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT current_setting('application_name')", connection);
        Assert.Equal("outpost-uri-test", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
