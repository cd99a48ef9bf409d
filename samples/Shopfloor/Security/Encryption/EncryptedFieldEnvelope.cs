using System.Text;

namespace Shopfloor.Security;

/// <summary>
/// The bytes of an encrypted field, stored as BSON binary subtype 6:
/// <c>version (1 byte, = 1) | key id length (1 byte) | key id (ASCII) | nonce (12) | tag (16) | ciphertext</c>.
/// Outpost's own layout, not MongoDB's client-side FLE format (drivers cannot decrypt it; the server module does).
/// </summary>
public sealed class EncryptedFieldEnvelope
{
    public const byte CurrentVersion = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    public EncryptedFieldEnvelope(byte version, string keyId, byte[] nonce, byte[] tag, byte[] ciphertext)
    {
        Version = version;
        KeyId = keyId;
        Nonce = nonce;
        Tag = tag;
        Ciphertext = ciphertext;
    }

    public byte Version { get; }
    public string KeyId { get; }
    public byte[] Nonce { get; }
    public byte[] Tag { get; }
    public byte[] Ciphertext { get; }

    /// <summary>A cheap shape check (for validators); it says nothing about authenticity.</summary>
    public static bool LooksLikeEnvelope(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == CurrentVersion && data[1] > 0 && data.Length >= 2 + data[1] + NonceSize + TagSize;

    public byte[] ToBytes()
    {
        var id = Encoding.ASCII.GetBytes(KeyId);
        var bytes = new byte[2 + id.Length + NonceSize + TagSize + Ciphertext.Length];
        bytes[0] = Version;
        bytes[1] = checked((byte)id.Length);
        var span = bytes.AsSpan(2);
        id.CopyTo(span);
        Nonce.CopyTo(span[id.Length..]);
        Tag.CopyTo(span[(id.Length + NonceSize)..]);
        Ciphertext.CopyTo(span[(id.Length + NonceSize + TagSize)..]);
        return bytes;
    }

    /// <summary>Splits stored bytes into their parts; throws <see cref="FieldDecryptionException"/> when malformed.</summary>
    public static EncryptedFieldEnvelope Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            throw new FieldDecryptionException(FieldDecryptionError.Malformed, "encrypted value is truncated");
        }
        if (data[0] != CurrentVersion)
        {
            throw new FieldDecryptionException(FieldDecryptionError.UnsupportedVersion, $"encrypted value has unknown format version {data[0]}");
        }
        int idLength = data[1];
        if (idLength == 0 || data.Length < 2 + idLength + NonceSize + TagSize)
        {
            throw new FieldDecryptionException(FieldDecryptionError.Malformed, "encrypted value is truncated");
        }
        var rest = data[2..];
        return new EncryptedFieldEnvelope(
            data[0],
            Encoding.ASCII.GetString(rest[..idLength]),
            rest.Slice(idLength, NonceSize).ToArray(),
            rest.Slice(idLength + NonceSize, TagSize).ToArray(),
            rest[(idLength + NonceSize + TagSize)..].ToArray());
    }
}
