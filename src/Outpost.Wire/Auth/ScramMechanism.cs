namespace Outpost.Wire.Auth;

/// <summary>The SASL mechanisms Outpost accepts.</summary>
public enum ScramMechanism
{
    /// <summary>SCRAM-SHA-1 over MongoDB's MD5 password digest (RFC 5802).</summary>
    ScramSha1,
    /// <summary>SCRAM-SHA-256 (RFC 7677), the default.</summary>
    ScramSha256,
}
