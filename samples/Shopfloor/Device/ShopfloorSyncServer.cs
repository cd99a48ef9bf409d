using Outpost.Bson;
using Outpost.Engine;
using Outpost.Sync.Attachments;
using Outpost.Sync.Merge;
using Outpost.Sync.Rules;
using Outpost.Sync.Server;

namespace Shopfloor.Device;

/// <summary>
/// The sync side of a Shopfloor server: the <c>photos</c> collection synced per department (a device's token carries
/// its <c>departmentId</c>; it reads and writes only that department's photos) plus photo uploads as attachments.
/// </summary>
public sealed class ShopfloorSyncServer
{
    private ShopfloorSyncServer(SyncService sync, AttachmentService attachments, byte[]? key)
    {
        Sync = sync;
        Attachments = attachments;
        _key = key;
    }

    private readonly byte[]? _key;

    /// <summary>The document sync service.</summary>
    public SyncService Sync { get; }

    /// <summary>The photo upload service.</summary>
    public AttachmentService Attachments { get; }

    /// <summary>How concurrent photo edits merge: every field its own last-writer-wins register, defects as a set, sync status by rank.</summary>
    public static MergePolicy PhotoPolicy() => new MergePolicy()
        .For("syncStatus", FieldPolicy.SyncStatusPriority)
        .For("metadata.defectsFound", new FieldPolicy(MergeStrategy.SetUnion));

    /// <summary>Starts sync over <paramref name="database"/> of <paramref name="engine"/>, trusting HS256 tokens signed with <paramref name="key"/>.</summary>
    public static Task<ShopfloorSyncServer> StartAsync(OutpostEngine engine, string database, byte[] key, CancellationToken cancellationToken = default) =>
        StartAsync(engine, database, new JwtSyncAuthenticator(key), key, cancellationToken);

    /// <summary>
    /// Starts sync trusting <paramref name="authenticator"/> (e.g. <see cref="ShopfloorTokenAuthenticator"/> for the
    /// module's sign-in tokens); <paramref name="key"/> is only needed for <see cref="IssueToken"/>.
    /// </summary>
    public static async Task<ShopfloorSyncServer> StartAsync(OutpostEngine engine, string database, ISyncAuthenticator authenticator, byte[]? key, CancellationToken cancellationToken = default)
    {
        var options = new SyncServerOptions
        {
            Database = database,
            Rules = [new CollectionSyncRule("photos", new BsonDocument("departmentId", "{{token.departmentId}}")) { Policy = PhotoPolicy() }],
        };
        var sync = new SyncService(engine, options, authenticator);
        await sync.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var attachments = new AttachmentService(sync);
        await attachments.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return new ShopfloorSyncServer(sync, attachments, key);
    }

    /// <summary>A device token (1 day) for <paramref name="deviceId"/> of <paramref name="departmentId"/>.</summary>
    public string IssueToken(string deviceId, string departmentId) =>
        JwtSyncAuthenticator.CreateToken(_key ?? throw new InvalidOperationException("this server trusts external tokens; it has no key to issue any"), deviceId, new Dictionary<string, object> { ["departmentId"] = departmentId }, TimeSpan.FromHours(24));
}
