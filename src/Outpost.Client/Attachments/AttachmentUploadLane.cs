using Outpost.Client.Policies;

namespace Outpost.Client.Attachments;

/// <summary>
/// The sync-loop lane that uploads pending attachments. The loop runs lanes after pushing document operations, and
/// the lane also skips attachments whose document still has operations in the outbox: metadata always reaches the
/// server before the binaries that belong to it (the server authorizes an upload by that document). Register one lane
/// per priority: <c>Lanes = [new AttachmentUploadLane(SyncPriority.SmallBinaries), new AttachmentUploadLane(SyncPriority.LargeBinaries)]</c>.
/// </summary>
public sealed class AttachmentUploadLane(SyncPriority priority = SyncPriority.LargeBinaries) : ISyncLane
{
    /// <inheritdoc />
    public SyncPriority Priority { get; } = priority;

    /// <inheritdoc />
    public Task RunAsync(OutpostClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var attachments = client.Attachments;
        long limit = attachments.Options.SmallBinaryLimit;
        Func<AttachmentInfo, bool> filter = Priority switch
        {
            SyncPriority.SmallBinaries => a => a.Length <= limit,
            SyncPriority.LargeBinaries => a => a.Length > limit,
            _ => _ => true,
        };
        return attachments.UploadPendingAsync(filter, cancellationToken);
    }
}
