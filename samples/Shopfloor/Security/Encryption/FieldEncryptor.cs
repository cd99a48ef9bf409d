using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Outpost.Bson;
using Outpost.Bson.Serialization;

namespace Shopfloor.Security;

/// <summary>
/// Field-level encryption with AES-256-GCM. Each value gets a fresh random 96-bit nonce; the associated data
/// binds it to its collection, document _id and field path (and to the envelope's version and key id), so
/// moving or altering any part makes decryption fail.
/// </summary>
/// <remarks>
/// The seed's MongoEncryptionService got this wrong: it called <c>crypto.createCipher(algorithm, key)</c>, which
/// ignores the random IV it generated and derives key and IV from the "password" with MD5 — the same IV for
/// every value, which for GCM leaks the XOR of plaintexts and lets an attacker forge tags. (Node removed
/// createCipher for that reason.) Its associated data was a constant string, so ciphertexts could be swapped
/// between documents unnoticed. Here the nonce is random per value and really used, and the associated data
/// names the value's place.
/// </remarks>
public sealed class FieldEncryptor
{
    private static ReadOnlySpan<byte> AadLabel => "outpost.fle.v1"u8;
    private readonly FieldKeyring _keyring;

    public FieldEncryptor(FieldKeyring keyring) => _keyring = keyring ?? throw new ArgumentNullException(nameof(keyring));

    /// <summary>Encrypts any BSON value (its type survives the round trip) with the active key.</summary>
    public BsonBinary Encrypt(BsonValue value, EncryptedFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var keyId = _keyring.ActiveKeyId;
        _keyring.TryGetKey(keyId, out var key);
        var plaintext = BsonSerializer.Serialize(new BsonDocument("v", value));
        var nonce = RandomNumberGenerator.GetBytes(EncryptedFieldEnvelope.NonceSize);
        var tag = new byte[EncryptedFieldEnvelope.TagSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key, EncryptedFieldEnvelope.TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(EncryptedFieldEnvelope.CurrentVersion, keyId, context));
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var envelope = new EncryptedFieldEnvelope(EncryptedFieldEnvelope.CurrentVersion, keyId, nonce, tag, ciphertext);
        return new BsonBinary(envelope.ToBytes(), BsonBinarySubType.Encrypted);
    }

    /// <summary>Decrypts a value written by <see cref="Encrypt"/> for the same context.</summary>
    /// <exception cref="FieldDecryptionException">Not encrypted, malformed, unknown key, or tampered with.</exception>
    public BsonValue Decrypt(BsonValue stored, EncryptedFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var envelope = ParseStored(stored, context);
        if (!_keyring.TryGetKey(envelope.KeyId, out var key))
        {
            throw new FieldDecryptionException(FieldDecryptionError.UnknownKey,
                $"{Describe(context)}: encrypted with key '{envelope.KeyId}', which is not in the keyring");
        }
        var plaintext = new byte[envelope.Ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, EncryptedFieldEnvelope.TagSize);
            aes.Decrypt(envelope.Nonce, envelope.Ciphertext, envelope.Tag, plaintext, AssociatedData(envelope.Version, envelope.KeyId, context));
            return BsonSerializer.Deserialize(plaintext)["v"];
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new FieldDecryptionException(FieldDecryptionError.AuthenticationFailed,
                $"{Describe(context)}: authentication failed — the ciphertext, nonce, tag or key id was altered, or the value does not belong to this document and field", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The key id a stored value was encrypted with.</summary>
    public static string KeyIdOf(BsonValue stored) => ParseStored(stored, null).KeyId;

    /// <summary>True when the value is an encrypted envelope (not proof of authenticity).</summary>
    public static bool IsEncrypted(BsonValue value) =>
        value is BsonBinary { SubType: BsonBinarySubType.Encrypted } b && EncryptedFieldEnvelope.LooksLikeEnvelope(b.Data.Span);

    /// <summary>Key rotation: re-encrypts with the active key when the value used an older one; otherwise returns it as is.</summary>
    public BsonBinary Reencrypt(BsonValue stored, EncryptedFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (KeyIdOf(stored) == _keyring.ActiveKeyId)
        {
            return (BsonBinary)stored;
        }
        return Encrypt(Decrypt(stored, context), context);
    }

    private static EncryptedFieldEnvelope ParseStored(BsonValue stored, EncryptedFieldContext? context)
    {
        if (stored is not BsonBinary { SubType: BsonBinarySubType.Encrypted } binary)
        {
            throw new FieldDecryptionException(FieldDecryptionError.NotEncrypted,
                $"{(context is null ? "value" : Describe(context))} is not an encrypted value (BSON binary subtype 6)");
        }
        return EncryptedFieldEnvelope.Parse(binary.Data.Span);
    }

    private static string Describe(EncryptedFieldContext c) => $"{c.Collection}[{c.DocumentId}].{c.FieldPath}";

    /// <summary>
    /// label | version | key id | collection | BSON {_id} | field path, each length-prefixed so no two different
    /// places can produce the same bytes.
    /// </summary>
    private static byte[] AssociatedData(byte version, string keyId, EncryptedFieldContext context)
    {
        var id = BsonSerializer.Serialize(new BsonDocument("_id", context.DocumentId));
        var parts = new[] { AadLabel.ToArray(), [version], Encoding.ASCII.GetBytes(keyId), Encoding.UTF8.GetBytes(context.Collection), id, Encoding.UTF8.GetBytes(context.FieldPath) };
        var length = 0;
        foreach (var p in parts)
        {
            length += 4 + p.Length;
        }
        var aad = new byte[length];
        var offset = 0;
        foreach (var p in parts)
        {
            BinaryPrimitives.WriteInt32LittleEndian(aad.AsSpan(offset), p.Length);
            p.CopyTo(aad.AsSpan(offset + 4));
            offset += 4 + p.Length;
        }
        return aad;
    }
}
