using System.Diagnostics;
using System.Runtime.InteropServices;
using Outpost.Bson;
using Outpost.Wire.Auth;
using Outpost.Wire.Metrics;

namespace Outpost.Wire.Commands.Diagnostics;

/// <summary>
/// Commands that need no engine: ping, buildInfo, hostInfo, serverStatus, whatsmyuri, getParameter, setParameter,
/// connectionStatus, getLog, getCmdLineOpts, listCommands, currentOp, killOp.
/// </summary>
public sealed class DiagnosticCommands(CommandRegistry registry) : ICommandFamily
{
    /// <summary>Extra serverStatus sections (storage, sessions) contributed by other families.</summary>
    public List<Func<CommandContext, (string Name, BsonValue Value)>> ServerStatusSections { get; } = [];

    /// <inheritdoc />
    public void Register(CommandRegistry target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Add(new CommandSpec("ping", static _ => ValueTask.FromResult(new BsonDocument("ok", 1.0)), Privilege.None));
        target.Add(new CommandSpec("buildInfo", BuildInfo, Privilege.None), "buildinfo");
        target.Add(new CommandSpec("hostInfo", HostInfo, Privilege.Cluster));
        target.Add(new CommandSpec("serverStatus", ServerStatus, Privilege.Cluster));
        target.Add(new CommandSpec("whatsmyuri", WhatsMyUri, Privilege.None));
        target.Add(new CommandSpec("getParameter", GetParameter, Privilege.Authenticated));
        target.Add(new CommandSpec("setParameter", SetParameter, Privilege.Cluster));
        target.Add(new CommandSpec("connectionStatus", ConnectionStatus, Privilege.None));
        target.Add(new CommandSpec("getLog", GetLog, Privilege.Cluster));
        target.Add(new CommandSpec("getCmdLineOpts", GetCmdLineOpts, Privilege.Cluster));
        target.Add(new CommandSpec("listCommands", ListCommands, Privilege.None));
        target.Add(new CommandSpec("currentOp", CurrentOp, Privilege.Cluster));
        target.Add(new CommandSpec("killOp", KillOp, Privilege.Cluster));
        target.Add(new CommandSpec("getFreeMonitoringStatus", static _ => ValueTask.FromResult(new BsonDocument("state", "disabled")), Privilege.Authenticated));
    }

    /// <summary>serverStatus' network section, as mongod reports it (bytes after decompression, frames as sent).</summary>
    private static BsonDocument Network(WireTraffic? traffic) => new()
    {
        { "bytesIn", traffic?.BytesIn ?? 0 },
        { "bytesOut", traffic?.BytesOut ?? 0 },
        { "physicalBytesIn", traffic?.PhysicalBytesIn ?? 0 },
        { "physicalBytesOut", traffic?.PhysicalBytesOut ?? 0 },
        { "numRequests", traffic?.Requests ?? 0 },
    };

    private static ValueTask<BsonDocument> BuildInfo(CommandContext context)
    {
        string version = context.Host.Options.ServerVersion;
        var parts = version.Split('.');
        var versionArray = new BsonArray();
        foreach (var part in parts) versionArray.Add(int.TryParse(part, out int n) ? n : 0);
        while (versionArray.Count < 4) versionArray.Add(0);
        return ValueTask.FromResult(new BsonDocument
        {
            { "version", version },
            { "gitVersion", "outpost-" + context.Host.Options.OutpostVersion },
            { "outpostVersion", context.Host.Options.OutpostVersion },
            { "modules", new BsonArray() },
            { "allocator", "system" },
            { "javascriptEngine", "none" },
            { "sysInfo", "deprecated" },
            { "versionArray", versionArray },
            { "openssl", new BsonDocument { { "running", "system" }, { "compiled", "system" } } },
            { "buildEnvironment", new BsonDocument { { "target_os", RuntimeInformation.OSDescription }, { "target_arch", RuntimeInformation.OSArchitecture.ToString() } } },
            { "bits", 64 },
            { "debug", false },
            { "maxBsonObjectSize", 16 * 1024 * 1024 },
            { "storageEngines", new BsonArray { "outpost" } },
            { "ok", 1.0 },
        });
    }

    private static ValueTask<BsonDocument> HostInfo(CommandContext context)
    {
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return ValueTask.FromResult(new BsonDocument
        {
            {
                "system", new BsonDocument
                {
                    { "currentTime", new BsonDateTime(context.Host.Time.GetUtcNow()) },
                    { "hostname", Environment.MachineName },
                    { "cpuAddrSize", 64 },
                    { "memSizeMB", memory / (1024 * 1024) },
                    { "memLimitMB", memory / (1024 * 1024) },
                    { "numCores", Environment.ProcessorCount },
                    { "cpuArch", RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant() },
                    { "numaEnabled", false },
                }
            },
            {
                "os", new BsonDocument
                {
                    { "type", OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsMacOS() ? "Darwin" : "Unknown" },
                    { "name", RuntimeInformation.OSDescription },
                    { "version", Environment.OSVersion.VersionString },
                }
            },
            { "extra", new BsonDocument("runtime", RuntimeInformation.FrameworkDescription) },
        });
    }

    private ValueTask<BsonDocument> ServerStatus(CommandContext context)
    {
        var host = context.Host;
        var now = host.Time.GetUtcNow();
        var uptime = now - host.StartTime;
        var counters = host.Metrics.OpCounters;
        using var process = Process.GetCurrentProcess();
        var transport = host.Transport;
        int open = transport?.ConnectionCount ?? 0;
        int limit = transport?.MaxConnections ?? 0;
        var reply = new BsonDocument
        {
            { "host", host.Options.AdvertisedAddress },
            { "version", host.Options.ServerVersion },
            { "process", "outpost" },
            { "pid", (long)Environment.ProcessId },
            { "uptime", Math.Floor(uptime.TotalSeconds) },
            { "uptimeMillis", (long)uptime.TotalMilliseconds },
            { "uptimeEstimate", (long)uptime.TotalSeconds },
            { "localTime", new BsonDateTime(now) },
            {
                "connections", new BsonDocument
                {
                    { "current", open },
                    { "available", Math.Max(0, limit - open) },
                    { "totalCreated", transport?.TotalAccepted ?? 0 },
                    { "active", host.Operations.Running.Count() },
                    { "threaded", transport?.ConnectionThreadCount ?? 0 },
                }
            },
            { "network", Network(transport?.Traffic) },
            {
                "opcounters", new BsonDocument
                {
                    { "insert", counters.Insert }, { "query", counters.Query }, { "update", counters.Update },
                    { "delete", counters.Delete }, { "getmore", counters.GetMore }, { "command", counters.Command },
                }
            },
            {
                "mem", new BsonDocument
                {
                    { "bits", 64 },
                    { "resident", process.WorkingSet64 / (1024 * 1024) },
                    { "virtual", process.VirtualMemorySize64 / (1024 * 1024) },
                    { "supported", true },
                    { "managedHeapMB", GC.GetTotalMemory(false) / (1024 * 1024) },
                }
            },
            {
                "repl", new BsonDocument
                {
                    { "setName", host.Options.ReplicaSetName },
                    { "isWritablePrimary", true },
                    { "secondary", false },
                    { "primary", host.Options.AdvertisedAddress },
                    { "me", host.Options.AdvertisedAddress },
                    { "hosts", new BsonArray { host.Options.AdvertisedAddress } },
                }
            },
        };
        foreach (var section in ServerStatusSections)
        {
            var (name, value) = section(context);
            reply.Set(name, value);
        }
        return ValueTask.FromResult(reply);
    }

    private static ValueTask<BsonDocument> WhatsMyUri(CommandContext context) =>
        ValueTask.FromResult(new BsonDocument("you", context.Connection.RemoteEndPoint?.ToString() ?? ""));

    private static ValueTask<BsonDocument> GetParameter(CommandContext context)
    {
        var command = context.Command;
        var parameters = context.Host.Parameters;
        var reply = new BsonDocument();
        bool all = context.Argument.IsString && context.Argument.AsString == "*"
                   || context.Argument is BsonDocument d && d.TryGetValue("allParameters", out var ap) && ap.IsBoolean && ap.AsBoolean;
        if (all)
        {
            foreach (var (name, value) in parameters.All) reply.Add(name, value);
        }
        else
        {
            for (int i = 1; i < command.ElementCount; i++)
            {
                string name = command.GetElement(i).Name;
                if (name.StartsWith('$') || name is "lsid" or "comment") continue;
                if (parameters.TryGet(name, out var value)) reply.Add(name, value);
            }
            if (reply.ElementCount == 0) throw new MongoException(ErrorCodes.InvalidOptions, "no option found to get");
        }
        return ValueTask.FromResult(reply);
    }

    private static ValueTask<BsonDocument> SetParameter(CommandContext context)
    {
        var command = context.Command;
        var reply = new BsonDocument();
        for (int i = 1; i < command.ElementCount; i++)
        {
            var element = command.GetElement(i);
            if (element.Name.StartsWith('$') || element.Name is "lsid" or "comment") continue;
            var old = context.Host.Parameters.Set(element.Name, element.Value);
            reply.Add("was", old);
        }
        if (reply.ElementCount == 0) throw new MongoException(ErrorCodes.InvalidOptions, "no option found to set, use help:true to see options");
        return ValueTask.FromResult(reply);
    }

    private static ValueTask<BsonDocument> ConnectionStatus(CommandContext context)
    {
        var users = new BsonArray();
        var roles = new BsonArray();
        foreach (var user in context.State.Users)
        {
            users.Add(new BsonDocument { { "user", user.User }, { "db", user.Db } });
            foreach (var role in user.Roles) roles.Add(new BsonDocument { { "role", role.Role }, { "db", role.Db } });
        }
        var authInfo = new BsonDocument { { "authenticatedUsers", users }, { "authenticatedUserRoles", roles } };
        if (CommandArgs.GetBool(context.Command, "showPrivileges")) authInfo.Add("authenticatedUserPrivileges", new BsonArray());
        return ValueTask.FromResult(new BsonDocument("authInfo", authInfo));
    }

    private static ValueTask<BsonDocument> GetLog(CommandContext context)
    {
        if (!context.Argument.IsString) throw new MongoException(ErrorCodes.TypeMismatch, "Argument to getLog must be of type String");
        if (context.Argument.AsString == "*") return ValueTask.FromResult(new BsonDocument("names", new BsonArray { "global", "startupWarnings" }));
        if (context.Argument.AsString is not ("global" or "startupWarnings"))
        {
            throw new MongoException(ErrorCodes.OperationFailed, $"No log named '{context.Argument.AsString}'");
        }
        return ValueTask.FromResult(new BsonDocument { { "totalLinesWritten", 0 }, { "log", new BsonArray() } });
    }

    private static ValueTask<BsonDocument> GetCmdLineOpts(CommandContext context)
    {
        var argv = new BsonArray();
        foreach (string arg in Environment.GetCommandLineArgs()) argv.Add(arg);
        return ValueTask.FromResult(new BsonDocument { { "argv", argv }, { "parsed", new BsonDocument("replication", new BsonDocument("replSet", context.Host.Options.ReplicaSetName)) } });
    }

    private ValueTask<BsonDocument> ListCommands(CommandContext context)
    {
        var commands = new BsonDocument();
        foreach (string name in registry.Names.Order(StringComparer.Ordinal))
        {
            registry.TryGet(name, out var spec);
            commands.Add(name, new BsonDocument { { "help", "" }, { "requiresAuth", spec.Privilege != Privilege.None }, { "secondaryOk", true }, { "adminOnly", false } });
        }
        return ValueTask.FromResult(new BsonDocument("commands", commands));
    }

    private static ValueTask<BsonDocument> CurrentOp(CommandContext context)
    {
        var inprog = new BsonArray();
        var now = DateTimeOffset.UtcNow;
        foreach (var op in context.Host.Operations.Running)
        {
            var doc = new BsonDocument
            {
                { "type", "op" },
                { "opid", op.Id },
                { "active", true },
                { "connectionId", op.ConnectionId },
                { "client", op.Client ?? "" },
                { "secs_running", (long)(now - op.Started).TotalSeconds },
                { "microsecs_running", (long)((now - op.Started).TotalMilliseconds * 1000) },
                { "op", "command" },
                { "ns", op.Database + ".$cmd" },
                { "command", op.Command },
                { "killPending", op.Killed },
            };
            if (op.AppName is not null) doc.Add("appName", op.AppName);
            inprog.Add(doc);
        }
        return ValueTask.FromResult(new BsonDocument("inprog", inprog));
    }

    private static ValueTask<BsonDocument> KillOp(CommandContext context)
    {
        if (!context.Command.TryGetValue("op", out var op) || !op.IsNumeric) throw new MongoException(ErrorCodes.BadValue, "killOp requires a numeric 'op'");
        context.Host.Operations.Kill((int)op.ToInt64());
        return ValueTask.FromResult(new BsonDocument("info", "attempting to kill op"));
    }
}
