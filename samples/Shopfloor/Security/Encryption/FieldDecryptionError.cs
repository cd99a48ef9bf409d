namespace Shopfloor.Security;

/// <summary>Why an encrypted field could not be decrypted.</summary>
public enum FieldDecryptionError
{
    /// <summary>The value is not BSON binary subtype 6.</summary>
    NotEncrypted,
    /// <summary>The envelope is truncated or inconsistent.</summary>
    Malformed,
    /// <summary>The envelope's version byte is not one this code reads.</summary>
    UnsupportedVersion,
    /// <summary>The key id is not in the keyring (never known, or retired).</summary>
    UnknownKey,
    /// <summary>GCM authentication failed: ciphertext, nonce, tag, key id or associated data was altered, or the value was moved.</summary>
    AuthenticationFailed,
}
