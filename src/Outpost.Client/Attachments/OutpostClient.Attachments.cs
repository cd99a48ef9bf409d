using Outpost.Bson;
using Outpost.Client.Attachments;

namespace Outpost.Client;

public sealed partial class OutpostClient
{
    private ClientAttachments? _attachments;
    private AttachmentOptions? _attachmentOptions;

    /// <summary>The device's attachments: local blob store, resumable uploads, downloads with a local cache.</summary>
    public ClientAttachments Attachments
    {
        get
        {
            lock (_collections)
            {
                return _attachments ??= new ClientAttachments(this, _attachmentOptions ?? new AttachmentOptions(), DefaultAttachmentDirectory());
            }
        }
    }

    /// <summary>Sets the attachment options; call before the first use of <see cref="Attachments"/>.</summary>
    public void ConfigureAttachments(AttachmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_collections)
        {
            if (_attachments is not null) throw new InvalidOperationException("attachments are already in use");
            _attachmentOptions = options;
        }
    }

    private string DefaultAttachmentDirectory() => Path.GetFullPath(_options.DatabasePath) + ".attachments";

    /// <summary>Sends one request through the client's transport with its token; error bodies throw.</summary>
    internal Task<BsonDocument> CallServerAsync(string endpoint, BsonDocument body, CancellationToken cancellationToken) => CallAsync(endpoint, body, cancellationToken);

    /// <summary>Whether the document still has operations waiting in the outbox (its metadata has not reached the server).</summary>
    internal async Task<bool> HasPendingOperationsAsync(string collection, BsonValue id, CancellationToken cancellationToken) =>
        await SyncDb.GetCollection("outbox").CountAsync(new Engine.CountOptions { Filter = new BsonDocument { { "c", collection }, { "i", id } } }, null, cancellationToken).ConfigureAwait(false) > 0;
}
