using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Outpost.Query;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

/// <summary>
/// The server side of <c>outpost-sync/1</c>, independent of HTTP: every endpoint is a method taking a principal and a
/// message. <see cref="HandleAsync"/> is the transport-facing entry (token + endpoint + body → reply body), used by the
/// ASP.NET Core endpoints and by in-process transports. Stateless between requests; safe for concurrent use.
/// </summary>
public sealed partial class SyncService
{
    private readonly OutpostEngine _engine;
    private readonly ISyncAuthenticator _authenticator;
    private readonly Dictionary<string, CollectionSyncRule> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DocumentMerger> _mergers = new(StringComparer.Ordinal);
    private readonly Database _database;

    /// <summary>Creates the service; call <see cref="InitializeAsync"/> before serving.</summary>
    public SyncService(OutpostEngine engine, SyncServerOptions options, ISyncAuthenticator authenticator)
    {
        _engine = engine;
        Options = options;
        _authenticator = authenticator;
        _database = engine.GetDatabase(options.Database);
        foreach (var rule in options.Rules)
        {
            _rules[rule.Collection] = rule;
            _mergers[rule.Collection] = new DocumentMerger(rule.Collection, rule.Policy);
        }
        Clock = new HybridLogicalClock(options.ServerNode, options.WallClock);
    }

    /// <summary>The configuration.</summary>
    public SyncServerOptions Options { get; }

    /// <summary>The server's hybrid logical clock; it observes every pushed stamp.</summary>
    public HybridLogicalClock Clock { get; }

    /// <summary>The engine it serves.</summary>
    public OutpostEngine Engine => _engine;

    /// <summary>
    /// Creates missing synced collections and turns on pre-images for all of them: the pre-image in the change log is
    /// what tells the server that a document which no longer matches a client's rules used to — and must be removed.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        // Foreign writes from here on are stamped with their commit times from the change log; older ones (made while
        // no sync service ran) have no known time and are stamped when first met (see StampForeignWritesAsync).
        if (_foreignPosition < 0) _foreignPosition = await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in await _database.ListCollectionsAsync(nameOnly: true, cancellationToken: cancellationToken).ConfigureAwait(false))
            existing.Add(info["name"].AsString);
        foreach (var rule in Options.Rules)
        {
            if (existing.Contains(rule.Collection))
            {
                await _database.CollModAsync(rule.Collection,
                    new BsonDocument { { "collMod", rule.Collection }, { "changeStreamPreAndPostImages", new BsonDocument("enabled", true) } },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _database.CreateCollectionAsync(rule.Collection, new CreateCollectionOptions { ChangeStreamPreAndPostImages = true },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var side in new[] { Options.MetadataCollection, Options.ClientsCollection, Options.ConflictsCollection })
        {
            if (!existing.Contains(side))
            {
                try
                {
                    await _database.CreateCollectionAsync(side, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (MongoException e) when (e.Code == ErrorCodes.NamespaceExists)
                {
                    // created concurrently: fine
                }
            }
        }
    }

    /// <summary>Validates a bearer token.</summary>
    /// <exception cref="SyncProtocolException">401 when the token is not valid.</exception>
    public async ValueTask<SyncPrincipal> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        var principal = await _authenticator.AuthenticateAsync(bearerToken, cancellationToken).ConfigureAwait(false);
        return principal ?? throw SyncProtocolException.Unauthorized();
    }

    /// <summary>
    /// Serves one request: authenticates, dispatches on <paramref name="endpoint"/>, and returns the reply body — an error
    /// body (<c>ok: 0</c>, with the HTTP status in <c>status</c>) for protocol errors, never an exception for them.
    /// </summary>
    public async Task<BsonDocument> HandleAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
    {
        try
        {
            var principal = await AuthenticateAsync(bearerToken, cancellationToken).ConfigureAwait(false);
            if (!body.TryGetValue("v", out var v) || v is not (BsonInt32 or BsonInt64 or BsonDouble) || v.ToInt64() != SyncProtocol.Version)
                throw new SyncProtocolException(400, 2, "protocolVersion", $"this server speaks {SyncProtocol.Name}");
            return endpoint switch
            {
                SyncProtocol.Hello => (await HelloAsync(principal, HelloRequest.FromBson(body), cancellationToken).ConfigureAwait(false)).ToBson(),
                SyncProtocol.Snapshot => (await SnapshotAsync(principal, SnapshotRequest.FromBson(body), cancellationToken).ConfigureAwait(false)).ToBson(),
                SyncProtocol.Pull => (await PullAsync(principal, PullRequest.FromBson(body), cancellationToken).ConfigureAwait(false)).ToBson(),
                SyncProtocol.Push => (await PushAsync(principal, PushRequest.FromBson(body), cancellationToken).ConfigureAwait(false)).ToBson(),
                SyncProtocol.Checksum => (await ChecksumAsync(principal, ChecksumRequest.FromBson(body), cancellationToken).ConfigureAwait(false)).ToBson(),
                _ => throw new SyncProtocolException(404, 59, "CommandNotFound", $"no sync endpoint '{endpoint}'"),
            };
        }
        catch (SyncProtocolException e)
        {
            return e.ToBson();
        }
        catch (MongoException e) when (e.Code == ErrorCodes.ChangeStreamHistoryLost)
        {
            return SyncProtocolException.HistoryLost().ToBson();
        }
        catch (MongoException e)
        {
            return new SyncProtocolException(400, e.Code, e.CodeName, e.Message).ToBson();
        }
        catch (Exception e) when (e is InvalidCastException or KeyNotFoundException or FormatException or ArgumentException or InvalidOperationException)
        {
            // Malformed bodies surface as cast/lookup failures deep in parsing: a client error, not a server crash.
            return SyncProtocolException.BadValue(e.Message).ToBson();
        }
    }

    /// <summary><c>hello</c>: server clock, latest position, and the policies of the synced collections.</summary>
    public async Task<HelloResponse> HelloAsync(SyncPrincipal principal, HelloRequest request, CancellationToken cancellationToken)
    {
        ValidateClientId(request.ClientId);
        var position = await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
        var collections = new List<SyncCollectionInfo>();
        foreach (var rule in Options.Rules)
        {
            collections.Add(new SyncCollectionInfo(rule.Collection, SyncCodec.Policy(rule.Policy),
                rule.AllowInsert && !rule.ReadOnly, rule.AllowDelete && !rule.ReadOnly, rule.WritableFields));
        }
        return new HelloResponse(Options.ServerNode, Clock.Now().Value, position, principal.Subject, collections);
    }

    private static void ValidateClientId(string clientId)
    {
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 128 || clientId == "server")
            throw SyncProtocolException.BadValue("clientId must be 1..128 characters and not reserved");
    }

    /// <summary>Compiles a client's subscriptions against its rules.</summary>
    private List<BoundSubscription> Bind(SyncPrincipal principal, IReadOnlyList<SyncSubscription> subscriptions)
    {
        var bound = new List<BoundSubscription>(subscriptions.Count);
        foreach (var sub in subscriptions) bound.Add(Bind(principal, sub));
        return bound;
    }

    private BoundSubscription Bind(SyncPrincipal principal, SyncSubscription sub)
    {
        if (!_rules.TryGetValue(sub.Collection, out var rule))
            throw SyncProtocolException.Forbidden($"collection '{sub.Collection}' does not sync");
        var ruleFilter = RuleTemplate.Bind(rule.ReadFilter, principal);
        if (ruleFilter is null) return new BoundSubscription(sub.Name, sub.Collection, rule, null, null);
        BsonDocument filter = ruleFilter;
        if (sub.Filter is { ElementCount: > 0 } clientFilter)
        {
            RejectServerSideCode(clientFilter);
            // AND-ing keeps the rule in force whatever the client's filter says ($or, $nor, $not included).
            filter = new BsonDocument("$and", new BsonArray { ruleFilter, clientFilter });
        }
        try
        {
            return new BoundSubscription(sub.Name, sub.Collection, rule, filter, QueryFilter.Compile(filter));
        }
        catch (MongoException e)
        {
            throw SyncProtocolException.BadValue("invalid subscription filter: " + e.Message);
        }
    }

    /// <summary>Client filters run on the server: no JavaScript.</summary>
    private static void RejectServerSideCode(BsonValue value)
    {
        switch (value)
        {
            case BsonDocument d:
                foreach (var e in d)
                {
                    if (e.Name is "$where" or "$function" or "$accumulator")
                        throw SyncProtocolException.Forbidden($"{e.Name} is not allowed in subscription filters");
                    RejectServerSideCode(e.Value);
                }
                break;
            case BsonArray a:
                foreach (var item in a) RejectServerSideCode(item);
                break;
        }
    }

    private Collection DataCollection(string name) => _database.GetCollection(name);

    private static BsonDocument MetaKey(string collection, BsonValue id) => new() { { "c", collection }, { "i", id } };

    /// <summary>Digest of a document's bytes as the sync path wrote it; a different digest means another path wrote since.</summary>
    internal static string Digest(BsonDocument document)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(BsonSerializer.Serialize(document), hash);
        return Convert.ToHexString(hash[..16]);
    }

    private static async Task<List<BsonDocument>> FindAllAsync(Collection collection, BsonDocument filter, OperationContext? context, CancellationToken cancellationToken, BsonDocument? sort = null, long limit = 0)
    {
        await using var cursor = await collection.FindAsync(new FindOptions { Filter = filter, Sort = sort, Limit = limit }, context, cancellationToken).ConfigureAwait(false);
        return await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}
