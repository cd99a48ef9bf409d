using Outpost;
using Outpost.Bson;
using Outpost.Client;
using Outpost.Client.Attachments;
using Outpost.Sync.Protocol;
using Shopfloor.Security;
using Shopfloor.Validation;

namespace Shopfloor.Device;

/// <summary>
/// The tablet app on the client SDK: captures photos (a generated image file plus its metadata document, validated
/// with the Shopfloor rules before the local write), edits metadata, works offline, and syncs documents and files.
/// </summary>
public sealed class ShopfloorDevice : IAsyncDisposable
{
    private static readonly PhotoRules Rules = new();
    private readonly Random _random;
    private readonly PhotoFieldProtector? _protector;
    private int _captured;

    private ShopfloorDevice(DeviceOptions options, SwitchableTransport network, OutpostClient client)
    {
        Options = options;
        Network = network;
        Client = client;
        _random = new Random(options.Seed);
        _protector = options.FieldKeys is null ? null : new PhotoFieldProtector(new FieldEncryptor(options.FieldKeys));
    }

    /// <summary>How the device was opened.</summary>
    public DeviceOptions Options { get; }

    /// <summary>The connectivity switch: set <c>Online = false</c> to work offline.</summary>
    public SwitchableTransport Network { get; }

    /// <summary>The SDK client underneath.</summary>
    public OutpostClient Client { get; }

    /// <summary>The synced photos collection.</summary>
    public SyncedCollection Photos => Client.Collection("photos");

    /// <summary>Opens (or reopens) the device's local database.</summary>
    public static async Task<ShopfloorDevice> OpenAsync(DeviceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var network = new SwitchableTransport(options.Transport);
        var client = await OutpostClient.OpenAsync(new ClientOptions
        {
            DatabasePath = Path.Combine(options.DataDirectory, "device.db"),
            ClientId = options.DeviceId,
            Transport = network,
            TokenProvider = _ => ValueTask.FromResult<string?>(options.Token),
            Subscriptions = [new SyncSubscription("photos", "photos")],
        }, cancellationToken).ConfigureAwait(false);
        return new ShopfloorDevice(options, network, client);
    }

    /// <summary>
    /// Captures a photo: generates an image of <paramref name="sizeBytes"/> with its MD5/SHA-256, validates the metadata
    /// document with the Shopfloor photo rules (throws <see cref="MongoException"/> naming every violated field), then
    /// writes document and file locally and queues both for sync. Works offline. Returns the document as stored
    /// (notes and GPS encrypted when the device holds the field key; <see cref="ReadPhotoAsync"/> decrypts).
    /// </summary>
    public async Task<BsonDocument> CapturePhotoAsync(ObjectId projectId, string jobNumber, int sizeBytes, CancellationToken cancellationToken = default)
    {
        var image = GeneratedImage.Create(_random, sizeBytes);
        var index = Interlocked.Increment(ref _captured);
        var now = DateTime.UtcNow;
        var photo = Demo.DemoData.Photo(_random, Options.DepartmentId, projectId, jobNumber, now, Options.DeviceId, index);
        if (_protector is null)
        {
            // Without the field key the device must not write notes or GPS in clear into the synced collection.
            var metadata = photo["metadata"].AsDocument;
            metadata.Remove("inspectorNotes");
            metadata.Remove("location");
        }
        photo.Remove("syncedAt");
        photo["_id"] = ObjectId.GenerateNewId();
        photo["localPath"] = Path.Combine(Options.DataDirectory, "photos", photo["fileName"].AsString);
        photo["fileSize"] = image.Bytes.Length;
        photo["checksumMD5"] = image.Md5;
        photo["syncStatus"] = "pending";
        photo["syncAttempts"] = 0;
        // The rules check the clear values (location ranges, note length); then notes and GPS are sealed to this
        // photo's _id and field path, so the synced document only ever holds ciphertext.
        Rules.Validate(photo).ThrowIfInvalid("photos");
        if (_protector is not null) photo = _protector.Protect(photo);
        await Photos.InsertOneAsync(photo, cancellationToken).ConfigureAwait(false);
        using var content = new MemoryStream(image.Bytes, writable: false);
        await Client.Attachments.AddAsync("photos", photo["_id"], content, photo["fileName"].AsString, "image/jpeg", image.Md5, cancellationToken).ConfigureAwait(false);
        return photo;
    }

    /// <summary>
    /// Edits metadata of photo <paramref name="id"/>: <paramref name="set"/> holds dotted paths and values
    /// (<c>metadata.qualityRating</c>…); the edited document is validated before the local write.
    /// </summary>
    public async Task EditMetadataAsync(BsonValue id, BsonDocument set, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        var current = await Photos.FindByIdAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"no photo {id} on this device");
        var edited = current.DeepClone().AsDocument;
        foreach (var element in set)
        {
            SetPath(edited, element.Name, element.Value);
        }
        edited["lastModified"] = DateTime.UtcNow;
        Rules.Validate(edited).ThrowIfInvalid("photos");
        var update = new BsonDocument(set) { { "lastModified", edited["lastModified"] } };
        foreach (var path in PhotoFieldProtector.ProtectedFields)
        {
            if (update.TryGetValue(path, out var clear) && !FieldEncryptor.IsEncrypted(clear))
            {
                update[path] = _protector is null
                    ? throw new InvalidOperationException($"{path} is encrypted before it is synced; this device has no field key")
                    : _protector.Encrypt(clear, id, path);
            }
        }
        await Photos.UpdateAsync(new BsonDocument("_id", id), new BsonDocument("$set", update), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A photo as this device's user reads it: notes and GPS decrypted. The device holds only its own department's
    /// photos (the sync rule filters them), so holding the key is the authorization here.
    /// </summary>
    /// <exception cref="FieldDecryptionException">An encrypted field was altered or moved from another photo.</exception>
    public async Task<BsonDocument?> ReadPhotoAsync(BsonValue id, CancellationToken cancellationToken = default)
    {
        var stored = await Photos.FindByIdAsync(id, cancellationToken).ConfigureAwait(false);
        if (stored is null) return null;
        return _protector is null ? stored : _protector.Decrypt(stored);
    }

    private static void SetPath(BsonDocument document, string path, BsonValue value)
    {
        var parts = path.Split('.');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (document.TryGetValue(parts[i], out var next) && next is BsonDocument child)
            {
                document = child;
                continue;
            }
            var created = new BsonDocument();
            document[parts[i]] = created;
            document = created;
        }
        document[parts[^1]] = value;
    }

    /// <summary>
    /// One sync round: push local writes and pull the department's changes, upload pending photo files, then mark the
    /// uploaded photos synced (and push that). Transport failures throw (the device is offline); pending work stays queued.
    /// </summary>
    public async Task<DeviceSyncResult> SyncAsync(IProgress<AttachmentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await Client.SyncNowAsync(cancellationToken).ConfigureAwait(false);
        var pending = await Client.Attachments.ListAsync(AttachmentState.Pending, cancellationToken).ConfigureAwait(false);
        EventHandler<AttachmentProgress>? handler = progress is null ? null : (_, p) => progress.Report(p);
        if (handler is not null) Client.Attachments.Progress += handler;
        int uploaded = 0, errors = 0;
        long bytes = 0;
        try
        {
            foreach (var info in pending)
            {
                try
                {
                    if (await Client.Attachments.UploadPendingAsync(a => a.Id == info.Id, cancellationToken).ConfigureAwait(false) == 1)
                    {
                        uploaded++;
                        bytes += info.Length;
                        await Photos.UpdateAsync(new BsonDocument("_id", info.DocumentId!), new BsonDocument("$set", new BsonDocument
                        {
                            { "syncStatus", "synced" },
                            { "syncedAt", DateTime.UtcNow },
                        }).Add("$inc", new BsonDocument("syncAttempts", 1)), cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (InvalidDataException)
                {
                    errors++;
                }
                catch (MongoException)
                {
                    errors++;
                }
            }
        }
        finally
        {
            if (handler is not null) Client.Attachments.Progress -= handler;
        }
        if (uploaded > 0) await Client.SyncNowAsync(cancellationToken).ConfigureAwait(false);
        return new DeviceSyncResult(uploaded, bytes, errors, await Client.CountPendingAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Merged concurrent edits and rejections this device saw (unresolved ones by default).</summary>
    public Task<IReadOnlyList<ConflictEntry>> GetConflictsAsync(bool includeResolved = false, CancellationToken cancellationToken = default) =>
        Client.GetConflictsAsync(includeResolved, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
