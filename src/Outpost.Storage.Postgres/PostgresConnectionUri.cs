using System.Globalization;
using System.Text;
using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Converts a libpq connection URI (<c>postgresql://user:password@host:port,host2:port2/db?sslmode=require&amp;…</c>)
/// into an Npgsql connection string. Query parameters use libpq's names where libpq has one (<c>sslmode</c>,
/// <c>application_name</c>, <c>options</c>, <c>connect_timeout</c>, <c>target_session_attrs</c>, …); any Npgsql
/// connection-string keyword is accepted too, with spaces or underscores (<c>Maximum Pool Size=50</c>,
/// <c>maximum_pool_size=50</c>), for settings libpq lacks such as the pool size. Anything else is an error rather than
/// silently ignored, so a mistyped option never leaves a server running with the wrong TLS mode.
/// </summary>
public static class PostgresConnectionUri
{
    // libpq parameter → Npgsql keyword (values that need translating are handled in Apply).
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.Ordinal)
    {
        ["host"] = "Host",
        ["hostaddr"] = "Host",
        ["port"] = "Port",
        ["dbname"] = "Database",
        ["user"] = "Username",
        ["password"] = "Password",
        ["passfile"] = "Passfile",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["fallback_application_name"] = "Application Name",
        ["options"] = "Options",
        ["client_encoding"] = "Client Encoding",
        ["sslmode"] = "SSL Mode",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["sslrootcert"] = "Root Certificate",
        ["sslnegotiation"] = "SSL Negotiation",
        ["gssencmode"] = "GSS Encryption Mode",
        ["channel_binding"] = "Channel Binding",
        ["krbsrvname"] = "Kerberos Service Name",
        ["keepalives"] = "Tcp Keepalive",
        ["keepalives_idle"] = "Tcp Keepalive Time",
        ["keepalives_interval"] = "Tcp Keepalive Interval",
        ["target_session_attrs"] = "Target Session Attributes",
        ["load_balance_hosts"] = "Load Balance Hosts",
        ["require_auth"] = "Require Auth",
    };

    /// <summary>Whether <paramref name="value"/> starts with <c>postgresql://</c> or <c>postgres://</c>.</summary>
    public static bool IsUri(string value) =>
        value.StartsWith("postgresql://", StringComparison.Ordinal) || value.StartsWith("postgres://", StringComparison.Ordinal);

    /// <summary>
    /// The Npgsql connection string of <paramref name="uri"/>. Throws <see cref="ArgumentException"/> naming the
    /// offending part when the URI is malformed or a parameter is unknown or has an invalid value.
    /// </summary>
    public static string ToConnectionString(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsUri(uri)) throw new ArgumentException($"'{uri}' is not a postgresql:// URI.", nameof(uri));
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var builder = new NpgsqlConnectionStringBuilder();

        string? query = null;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var path = slash >= 0 ? rest[(slash + 1)..] : "";

        // The password may contain '@' only percent-encoded, so the last '@' ends the user info.
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = colon >= 0 ? userInfo[..colon] : userInfo;
            if (user.Length > 0) builder.Username = Decode(user);
            if (colon >= 0) builder.Password = Decode(userInfo[(colon + 1)..]);
        }

        if (authority.Length > 0) ApplyHosts(builder, authority);
        if (path.Length > 0) builder.Database = Decode(path);

        if (!string.IsNullOrEmpty(query))
        {
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new ArgumentException($"Connection URI parameter '{pair}' has no value (expected name=value).", nameof(uri));
                Apply(builder, Decode(pair[..eq]), Decode(pair[(eq + 1)..]));
            }
        }

        return builder.ConnectionString;
    }

    private static void ApplyHosts(NpgsqlConnectionStringBuilder builder, string authority)
    {
        // host[:port] or [ipv6][:port], comma-separated for several hosts (libpq's multi-host form, which Npgsql also
        // takes as Host=h1:p1,h2:p2 for failover and load balancing).
        var hosts = new List<(string Host, int? Port)>();
        foreach (var item in authority.Split(','))
        {
            string host;
            string? port = null;
            if (item.StartsWith('['))
            {
                var close = item.IndexOf(']', StringComparison.Ordinal);
                if (close < 0) throw new ArgumentException($"Unterminated IPv6 address in connection URI host '{item}'.");
                host = item[1..close];
                if (close + 1 < item.Length)
                {
                    if (item[close + 1] != ':') throw new ArgumentException($"Bad connection URI host '{item}'.");
                    port = item[(close + 2)..];
                }
            }
            else
            {
                var colon = item.LastIndexOf(':');
                host = colon >= 0 ? item[..colon] : item;
                if (colon >= 0) port = item[(colon + 1)..];
            }

            int? number = null;
            if (!string.IsNullOrEmpty(port))
            {
                if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                    throw new ArgumentException($"Bad port '{port}' in connection URI.");
                number = p;
            }

            hosts.Add((Decode(host), number));
        }

        if (hosts.Count == 1)
        {
            if (hosts[0].Host.Length > 0) builder.Host = hosts[0].Host;
            if (hosts[0].Port is { } single) builder.Port = single;
            return;
        }

        var list = new StringBuilder();
        foreach (var (host, port) in hosts)
        {
            if (list.Length > 0) list.Append(',');
            list.Append(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host);
            if (port is { } p) list.Append(':').Append(p.ToString(CultureInfo.InvariantCulture));
        }

        builder.Host = list.ToString();
    }

    private static void Apply(NpgsqlConnectionStringBuilder builder, string name, string value)
    {
        string keyword;
        if (LibpqNames.TryGetValue(name, out var mapped))
        {
            keyword = mapped;
            value = name switch
            {
                "sslmode" => value switch
                {
                    "disable" => "Disable",
                    "allow" => "Allow",
                    "prefer" => "Prefer",
                    "require" => "Require",
                    "verify-ca" => "VerifyCA",
                    "verify-full" => "VerifyFull",
                    _ => throw new ArgumentException($"Bad sslmode '{value}' (disable, allow, prefer, require, verify-ca or verify-full)."),
                },
                "keepalives" => value switch
                {
                    "1" => "true",
                    "0" => "false",
                    _ => throw new ArgumentException($"Bad keepalives '{value}' (0 or 1)."),
                },
                "load_balance_hosts" => value switch
                {
                    "random" => "true",
                    "disable" => "false",
                    _ => throw new ArgumentException($"Bad load_balance_hosts '{value}' (disable or random)."),
                },
                _ => value,
            };
            if (name == "fallback_application_name" && !string.IsNullOrEmpty(builder.ApplicationName)) return;
        }
        else
        {
            // An Npgsql keyword; underscores stand for spaces so it can be written without escaping.
            keyword = name.Replace('_', ' ');
        }

        try
        {
            builder[keyword] = value;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                mapped is null
                    ? $"Unknown connection URI parameter '{name}': not a libpq parameter Outpost maps ({string.Join(", ", LibpqNames.Keys)}) nor an Npgsql connection string keyword."
                    : $"Bad value '{value}' for connection URI parameter '{name}': {e.Message}",
                e);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"Bad value '{value}' for connection URI parameter '{name}': {e.Message}", e);
        }

        // Npgsql parses some values lazily (enums): reading the connection string back validates the whole set now.
        _ = builder.ConnectionString;
    }

    private static string Decode(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException e)
        {
            throw new ArgumentException($"Bad percent-encoding in connection URI part '{value}'.", e);
        }
    }
}
