using Outpost.Bson;
using Shopfloor.Validation;

namespace Shopfloor.Security;

/// <summary>
/// Encrypts a photo's inspector notes and GPS location before it is stored, and decrypts them only for a reader
/// the <see cref="DocumentAuthorizer"/> allows to read the photo. The fields keep their names; their stored
/// value is the ciphertext (the photos validator accepts either form). The trade-off: the server cannot
/// text-search notes or geo-query locations while they are encrypted.
/// </summary>
public sealed class PhotoFieldProtector
{
    public const string Collection = "photos";

    /// <summary>The encrypted field paths.</summary>
    public static IReadOnlyList<string> ProtectedFields { get; } = ["metadata.inspectorNotes", "metadata.location"];

    private readonly FieldEncryptor _encryptor;

    public PhotoFieldProtector(FieldEncryptor encryptor) => _encryptor = encryptor;

    /// <summary>A copy of the photo with the protected fields encrypted (already-encrypted ones are kept).</summary>
    public BsonDocument Protect(BsonDocument photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var copy = photo.DeepClone();
        var id = copy["_id"];
        var metadata = copy.TryGetValue("metadata", out var m) ? m as BsonDocument : null;
        if (metadata is null)
        {
            return copy;
        }
        foreach (var path in ProtectedFields)
        {
            var name = path["metadata.".Length..];
            if (metadata.TryGetValue(name, out var value) && !FieldEncryptor.IsEncrypted(value))
            {
                metadata.Set(name, _encryptor.Encrypt(value, new EncryptedFieldContext(Collection, id, path)));
            }
        }
        return copy;
    }

    /// <summary>Encrypts one value of protected field <paramref name="path"/> of photo <paramref name="id"/> (a device's metadata edit).</summary>
    public BsonBinary Encrypt(BsonValue value, BsonValue id, string path)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(id);
        if (!ProtectedFields.Contains(path))
        {
            throw new ArgumentException($"{path} is not a protected field", nameof(path));
        }
        return _encryptor.Encrypt(value, new EncryptedFieldContext(Collection, id, path));
    }

    /// <summary>A copy of the photo with the protected fields decrypted, after checking the reader may read it.</summary>
    /// <exception cref="Outpost.MongoException">Unauthorized (13) when the reader may not read this photo.</exception>
    /// <exception cref="FieldDecryptionException">A protected field was tampered with or moved.</exception>
    public BsonDocument Unprotect(BsonDocument photo, DevicePrincipal reader, DocumentAuthorizer authorizer)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(authorizer);
        var department = photo.TryGetValue("departmentId", out var d) && d is BsonString s ? s.Value : null;
        authorizer.Demand(reader, Permissions.PhotoRead, department);
        return Decrypt(photo);
    }

    /// <summary>Decrypts without an authorization check: for server-internal jobs (key rotation, exports) only.</summary>
    public BsonDocument Decrypt(BsonDocument photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var copy = photo.DeepClone();
        var id = copy["_id"];
        foreach (var path in ProtectedFields)
        {
            if (BsonPath.TryGet(copy, path, out var value) && FieldEncryptor.IsEncrypted(value))
            {
                copy["metadata"].AsDocument.Set(path["metadata.".Length..], _encryptor.Decrypt(value, new EncryptedFieldContext(Collection, id, path)));
            }
        }
        return copy;
    }
}
