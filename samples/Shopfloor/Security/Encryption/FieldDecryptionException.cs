using System.Security.Cryptography;

namespace Shopfloor.Security;

/// <summary>An encrypted field could not be decrypted; <see cref="Error"/> says why.</summary>
public sealed class FieldDecryptionException : CryptographicException
{
    public FieldDecryptionException(FieldDecryptionError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    public FieldDecryptionError Error { get; }
}
