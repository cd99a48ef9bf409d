namespace Outpost.Client.Attachments;

/// <summary>Where an attachment's bytes are.</summary>
public enum AttachmentState
{
    /// <summary>Stored on this device, not yet (completely) uploaded.</summary>
    Pending,

    /// <summary>Stored on this device and verified on the server.</summary>
    Uploaded,

    /// <summary>Downloaded from the server, verified, kept in the local cache.</summary>
    Cached,
}
