using System.Security.Cryptography;
using Outpost;
using Outpost.Bson;
using Shopfloor.Domain;
using Shopfloor.Security;
using Shopfloor.Server;

namespace Shopfloor.Tests.Sync;

/// <summary>
/// Inspector notes and GPS on the sync path: the device encrypts them before they enter the synced collection, so
/// they are ciphertext in the device's storage, on the server and on the other devices; readers with the key and the
/// right department decrypt; any change to the ciphertext, or moving it to another photo, is detected.
/// </summary>
public sealed class EncryptedSyncTests : IAsyncLifetime
{
    private const string Notes = "Hairline crack at weld seam 3; hold for QA";
    private static readonly ObjectId Project = ObjectId.GenerateNewId();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FieldKeyring _keys = new("k1", new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(32) });
    private DeviceSyncServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await DeviceSyncServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _keys.Dispose();
    }

    private static BsonDocument Location() => new() { { "latitude", 47.6062 }, { "longitude", -122.3321 }, { "accuracy", 4.5 } };

    [Fact]
    public async Task Notes_and_gps_stay_ciphertext_through_sync_and_decrypt_for_authorized_readers()
    {
        await using var capturer = await _server.OpenDeviceAsync("paint-1", "PAINT", Ct, fieldKeys: _keys);
        await using var colleague = await _server.OpenDeviceAsync("paint-2", "PAINT", Ct, fieldKeys: _keys);
        capturer.Network.Online = false;
        var photo = await capturer.CapturePhotoAsync(Project, "JOB-2025-001", 2048, Ct);
        var id = photo["_id"];
        await capturer.EditMetadataAsync(id, new BsonDocument { { "metadata.inspectorNotes", Notes }, { "metadata.location", Location() } }, Ct);
        capturer.Network.Online = true;
        Assert.Equal(0, (await capturer.SyncAsync(cancellationToken: Ct)).UploadErrors);
        await colleague.SyncAsync(cancellationToken: Ct);

        var onCapturer = await capturer.Photos.FindByIdAsync(id, Ct);
        var onServer = await _server.Photos.FindOneAsync(new BsonDocument("_id", id), cancellationToken: Ct);
        var onColleague = await colleague.Photos.FindByIdAsync(id, Ct);
        foreach (var stored in new[] { onCapturer!, onServer!, onColleague! })
        {
            var metadata = stored["metadata"].AsDocument;
            Assert.True(FieldEncryptor.IsEncrypted(metadata["inspectorNotes"]), stored.ToString());
            Assert.True(FieldEncryptor.IsEncrypted(metadata["location"]), stored.ToString());
            Assert.DoesNotContain("Hairline", stored.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("47.6062", stored.ToString(), StringComparison.Ordinal);
        }
        // Same ciphertext everywhere: the server never re-encrypted or saw the clear value.
        Assert.Equal(onCapturer!["metadata"].AsDocument["inspectorNotes"], onServer!["metadata"].AsDocument["inspectorNotes"]);

        var read = await colleague.ReadPhotoAsync(id, Ct);
        Assert.Equal(Notes, read!["metadata"].AsDocument["inspectorNotes"].AsString);
        Assert.Equal(Location(), read["metadata"].AsDocument["location"]);

        // The server module decrypts for a PAINT reader and refuses a QA/QC reader before decrypting anything.
        var protector = new PhotoFieldProtector(new FieldEncryptor(_keys));
        var authorizer = new DocumentAuthorizer(new ListLogger<DocumentAuthorizer>());
        var paint = new DevicePrincipal("tablet-p", Departments.Paint.Id, "PNT", Permissions.ForDepartment(Departments.Paint.Id), "s1");
        var qa = new DevicePrincipal("tablet-q", Departments.QaQc.Id, "QAC", Permissions.ForDepartment(Departments.QaQc.Id), "s2");
        Assert.Equal(Notes, protector.Unprotect(onServer, paint, authorizer)["metadata"].AsDocument["inspectorNotes"].AsString);
        Assert.Equal(ErrorCodes.Unauthorized, Assert.Throws<MongoException>(() => { protector.Unprotect(onServer, qa, authorizer); }).Code);
    }

    [Fact]
    public async Task Tampered_or_moved_ciphertext_is_detected_after_sync()
    {
        await using var capturer = await _server.OpenDeviceAsync("paint-1", "PAINT", Ct, fieldKeys: _keys);
        var first = await capturer.CapturePhotoAsync(Project, "JOB-2025-001", 1024, Ct);
        var second = await capturer.CapturePhotoAsync(Project, "JOB-2025-001", 1024, Ct);
        await capturer.EditMetadataAsync(first["_id"], new BsonDocument("metadata.inspectorNotes", Notes), Ct);
        await capturer.EditMetadataAsync(second["_id"], new BsonDocument("metadata.inspectorNotes", "Meets spec."), Ct);
        await capturer.SyncAsync(cancellationToken: Ct);

        // Someone with write access to the server's storage flips one ciphertext bit of the first photo's notes ...
        var stored = (await _server.Photos.FindOneAsync(new BsonDocument("_id", first["_id"]), cancellationToken: Ct))!;
        var envelope = ((BsonBinary)stored["metadata"].AsDocument["inspectorNotes"]).Data.ToArray();
        envelope[^1] ^= 0x01;
        var tampered = stored.DeepClone();
        tampered["metadata"].AsDocument["inspectorNotes"] = new BsonBinary(envelope, ((BsonBinary)stored["metadata"].AsDocument["inspectorNotes"]).SubType);
        var protector = new PhotoFieldProtector(new FieldEncryptor(_keys));
        Assert.Throws<FieldDecryptionException>(() => { protector.Decrypt(tampered); });

        // ... or copies the second photo's (valid) ciphertext into the first: bound to the other _id, so refused too.
        await capturer.Photos.UpdateAsync(new BsonDocument("_id", first["_id"]),
            new BsonDocument("$set", new BsonDocument("metadata.inspectorNotes", (await capturer.Photos.FindByIdAsync(second["_id"], Ct))!["metadata"].AsDocument["inspectorNotes"])), cancellationToken: Ct);
        await capturer.SyncAsync(cancellationToken: Ct);
        await Assert.ThrowsAsync<FieldDecryptionException>(() => capturer.ReadPhotoAsync(first["_id"], Ct));
        var moved = (await _server.Photos.FindOneAsync(new BsonDocument("_id", first["_id"]), cancellationToken: Ct))!;
        Assert.Throws<FieldDecryptionException>(() => { protector.Decrypt(moved); });
        Assert.Equal("Meets spec.", (await capturer.ReadPhotoAsync(second["_id"], Ct))!["metadata"].AsDocument["inspectorNotes"].AsString);
    }

    [Fact]
    public async Task A_device_without_the_field_key_refuses_to_write_notes_in_clear()
    {
        await using var device = await _server.OpenDeviceAsync("paint-1", "PAINT", Ct);
        var photo = await device.CapturePhotoAsync(Project, "JOB-2025-001", 1024, Ct);
        Assert.False(photo["metadata"].AsDocument.Contains("inspectorNotes"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => device.EditMetadataAsync(photo["_id"], new BsonDocument("metadata.inspectorNotes", Notes), Ct));
    }
}
