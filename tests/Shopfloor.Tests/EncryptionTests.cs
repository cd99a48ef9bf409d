using System.Security.Cryptography;
using Outpost;
using Outpost.Bson;
using Shopfloor.Domain;
using Shopfloor.Mapping;
using Shopfloor.Security;
using Shopfloor.Validation;

namespace Shopfloor.Tests;

public sealed class EncryptionTests
{
    private static readonly byte[] Key1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Key2 = RandomNumberGenerator.GetBytes(32);

    private static FieldEncryptor Encryptor(string active = "k1", bool withOld = true)
    {
        var keys = new Dictionary<string, byte[]> { ["k2"] = Key2 };
        if (withOld || active == "k1")
        {
            keys["k1"] = Key1;
        }
        return new FieldEncryptor(new FieldKeyring(active, keys));
    }

    private static readonly ObjectId DocId = ObjectId.GenerateNewId();
    private static EncryptedFieldContext Notes(BsonValue? id = null) => new("photos", id ?? DocId, "metadata.inspectorNotes");

    [Fact]
    public void String_and_document_values_round_trip_with_a_fresh_nonce_each_time()
    {
        var e = Encryptor();
        var a = e.Encrypt("Scratch near weld", Notes());
        var b = e.Encrypt("Scratch near weld", Notes());
        Assert.Equal(BsonBinarySubType.Encrypted, a.SubType);
        Assert.NotEqual(a.Data.ToArray(), b.Data.ToArray());
        var envA = EncryptedFieldEnvelope.Parse(a.Data.Span);
        Assert.Equal(12, envA.Nonce.Length);
        Assert.NotEqual(envA.Nonce, EncryptedFieldEnvelope.Parse(b.Data.Span).Nonce);
        Assert.Equal("Scratch near weld", e.Decrypt(a, Notes()).AsString);

        var location = new BsonDocument { { "latitude", 47.6 }, { "longitude", -122.3 } };
        var ctx = new EncryptedFieldContext("photos", DocId, "metadata.location");
        Assert.Equal(location, e.Decrypt(e.Encrypt(location, ctx), ctx));
    }

    public static TheoryData<string, int> Parts => new()
    {
        { "version", 0 },
        { "key id", 2 },
        { "nonce", 2 + 2 + 5 },
        { "tag", 2 + 2 + 12 + 3 },
        { "ciphertext", -1 },
    };

    [Theory]
    [MemberData(nameof(Parts))]
    public void Flipping_a_bit_in_any_part_fails_decryption(string part, int offset)
    {
        var e = Encryptor();
        var bytes = e.Encrypt("Scratch near weld", Notes()).Data.ToArray();
        var index = offset < 0 ? bytes.Length - 1 : offset;
        bytes[index] ^= 0x01;
        var ex = Assert.Throws<FieldDecryptionException>(() => e.Decrypt(new BsonBinary(bytes, BsonBinarySubType.Encrypted), Notes()));
        var expected = part switch
        {
            "version" => FieldDecryptionError.UnsupportedVersion,
            "key id" => FieldDecryptionError.UnknownKey, // "k1" → "k0"
            _ => FieldDecryptionError.AuthenticationFailed,
        };
        Assert.Equal(expected, ex.Error);
    }

    [Fact]
    public void Key_id_switched_to_another_known_key_fails_authentication()
    {
        var e = Encryptor();
        var bytes = e.Encrypt("x", Notes()).Data.ToArray();
        bytes[3] = (byte)'2'; // "k1" → "k2": a real key, but not the one that sealed it
        var ex = Assert.Throws<FieldDecryptionException>(() => e.Decrypt(new BsonBinary(bytes, BsonBinarySubType.Encrypted), Notes()));
        Assert.Equal(FieldDecryptionError.AuthenticationFailed, ex.Error);
    }

    [Fact]
    public void Value_moved_to_another_document_field_or_collection_fails()
    {
        var e = Encryptor();
        var sealedValue = e.Encrypt("Scratch near weld", Notes());
        foreach (var wrong in new[]
        {
            Notes(ObjectId.GenerateNewId()),
            new EncryptedFieldContext("photos", DocId, "metadata.location"),
            new EncryptedFieldContext("projects", DocId, "metadata.inspectorNotes"),
            Notes(DocId.ToString()), // same id as a string is a different _id
        })
        {
            Assert.Equal(FieldDecryptionError.AuthenticationFailed, Assert.Throws<FieldDecryptionException>(() => e.Decrypt(sealedValue, wrong)).Error);
        }
    }

    [Fact]
    public void Truncated_plain_and_wrong_subtype_values_are_reported_clearly()
    {
        var e = Encryptor();
        Assert.Equal(FieldDecryptionError.NotEncrypted, Assert.Throws<FieldDecryptionException>(() => e.Decrypt("plain", Notes())).Error);
        Assert.Equal(FieldDecryptionError.NotEncrypted, Assert.Throws<FieldDecryptionException>(() => e.Decrypt(new BsonBinary(new byte[40]), Notes())).Error);
        var truncated = e.Encrypt("x", Notes()).Data[..10].ToArray();
        Assert.Equal(FieldDecryptionError.Malformed, Assert.Throws<FieldDecryptionException>(() => e.Decrypt(new BsonBinary(truncated, BsonBinarySubType.Encrypted), Notes())).Error);
    }

    [Fact]
    public void Key_rotation_keeps_old_values_readable_and_reencrypts_to_the_active_key()
    {
        var old = Encryptor("k1").Encrypt("before rotation", Notes());
        var rotated = Encryptor("k2");
        Assert.Equal("before rotation", rotated.Decrypt(old, Notes()).AsString);
        var fresh = rotated.Reencrypt(old, Notes());
        Assert.Equal("k2", FieldEncryptor.KeyIdOf(fresh));
        Assert.Same(fresh, rotated.Reencrypt(fresh, Notes()));

        var retired = Encryptor("k2", withOld: false);
        Assert.Equal("before rotation", retired.Decrypt(fresh, Notes()).AsString);
        var ex = Assert.Throws<FieldDecryptionException>(() => retired.Decrypt(old, Notes()));
        Assert.Equal(FieldDecryptionError.UnknownKey, ex.Error);
        Assert.Contains("'k1'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keyring_rejects_short_keys_and_missing_active_key()
    {
        Assert.Throws<ArgumentException>(() => new FieldKeyring("k1", new Dictionary<string, byte[]> { ["k1"] = new byte[16] }));
        Assert.Throws<ArgumentException>(() => new FieldKeyring("k3", new Dictionary<string, byte[]> { ["k1"] = Key1 }));
    }

    [Fact]
    public void Photo_notes_and_location_are_unreadable_stored_still_valid_and_decrypt_for_authorized_readers_only()
    {
        var protector = new PhotoFieldProtector(Encryptor());
        var clear = PhotoMapper.ToBson(Samples.FullPhoto());
        var stored = protector.Protect(clear);

        Assert.True(FieldEncryptor.IsEncrypted(stored.At("metadata.inspectorNotes")));
        Assert.True(FieldEncryptor.IsEncrypted(stored.At("metadata.location")));
        var bytes = Outpost.Bson.Serialization.BsonSerializer.Serialize(stored);
        Assert.Equal(-1, System.Text.Encoding.UTF8.GetString(bytes).IndexOf("Minor scratch", StringComparison.Ordinal));
        Assert.Equal(clear.At("metadata.qualityRating"), stored.At("metadata.qualityRating"));
        Assert.True(new PhotoRules().Validate(stored).IsValid);
        // Protecting twice keeps the existing ciphertext rather than encrypting it again.
        Assert.Equal(stored.At("metadata.location"), protector.Protect(stored).At("metadata.location"));

        var authorizer = new DocumentAuthorizer(new ListLogger<DocumentAuthorizer>());
        var paintReader = new DevicePrincipal("tablet-p", Departments.Paint.Id, "PNT", Permissions.ForDepartment(Departments.Paint.Id), "s1");
        Assert.Equal(clear, protector.Unprotect(stored, paintReader, authorizer));
        Assert.Equal(Samples.FullPhoto().Metadata.Location, PhotoMapper.FromBson(protector.Unprotect(stored, paintReader, authorizer)).Metadata.Location);

        var qaReader = new DevicePrincipal("tablet-q", Departments.QaQc.Id, "QAC", Permissions.ForDepartment(Departments.QaQc.Id), "s2");
        Assert.Equal(ErrorCodes.Unauthorized, Assert.Throws<MongoException>(() => protector.Unprotect(stored, qaReader, authorizer)).Code);
    }

    [Fact]
    public void Swapping_encrypted_notes_between_photos_is_detected()
    {
        var protector = new PhotoFieldProtector(Encryptor());
        var a = protector.Protect(PhotoMapper.ToBson(Samples.FullPhoto()));
        var b = protector.Protect(PhotoMapper.ToBson(Samples.FullPhoto() with { Id = ObjectId.GenerateNewId() }));
        b.At("metadata").AsDocument.Set("inspectorNotes", a.At("metadata.inspectorNotes"));
        Assert.Equal(FieldDecryptionError.AuthenticationFailed, Assert.Throws<FieldDecryptionException>(() => protector.Decrypt(b)).Error);
    }
}
