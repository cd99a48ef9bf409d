using System.Text;
using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

public class BsonDocumentViewTests
{
    private static byte[] Photo() => BsonSerializer.Serialize(new BsonDocument
    {
        { "_id", ObjectId.Parse("56e1fc72e0c917e9c4714161") },
        { "title", "sunset" },
        { "exif", new BsonDocument { { "iso", 200 }, { "gps", new BsonDocument { { "lat", 48.85 }, { "lon", 2.35 } } } } },
        { "tags", new BsonArray { "sea", "sky", new BsonDocument("k", 7L) } },
        { "ok", true },
    });

    [Fact]
    public void Dotted_paths_resolve_fields_and_array_positions()
    {
        var view = new BsonDocumentView(Photo());
        Assert.True(view.TryGetValue("exif.gps.lat", out var lat));
        Assert.Equal(48.85, lat.AsDouble);
        Assert.True(view.TryGetValue("exif.iso", out var iso));
        Assert.Equal(200, iso.AsInt32);
        Assert.True(view.TryGetValue("tags.1", out var sky));
        Assert.Equal("sky", Encoding.UTF8.GetString(sky.AsStringUtf8));
        Assert.True(view.TryGetValue("tags.2.k", out var k));
        Assert.Equal(7L, k.AsInt64);
        Assert.True(view.TryGetValue("ok", out var ok));
        Assert.True(ok.AsBoolean);
        Assert.True(view.TryGetValue("_id", out var id));
        Assert.Equal("56e1fc72e0c917e9c4714161", id.AsObjectId.ToString());

        Assert.False(view.TryGetValue("exif.gps.alt", out _));
        Assert.False(view.TryGetValue("tags.3", out _));
        Assert.False(view.TryGetValue("tags.x", out _));
        Assert.False(view.TryGetValue("title.x", out _));
        Assert.False(view.TryGetValue("", out _));
    }

    [Fact]
    public void Enumeration_yields_names_and_values_in_order()
    {
        var view = new BsonDocumentView(Photo());
        var names = new List<string>();
        foreach (var element in view)
        {
            names.Add(element.GetName());
        }

        Assert.Equal(["_id", "title", "exif", "tags", "ok"], names);
    }

    [Fact]
    public void ToBsonValue_materializes_subtrees()
    {
        var view = new BsonDocumentView(Photo());
        Assert.True(view.TryGetValue("exif", out var exif));
        var doc = exif.ToBsonValue().AsDocument;
        Assert.Equal(2.35, doc["gps"].AsDocument["lon"].AsDouble);
        Assert.Equal(BsonSerializer.Deserialize(Photo()), view.ToBsonDocument());
    }

    [Fact]
    public void Lookup_allocates_nothing()
    {
        byte[] bytes = Photo();
        static double Lookup(byte[] b)
        {
            var view = new BsonDocumentView(b);
            return view.TryGetValue("exif.gps.lat", out var v) ? v.AsDouble : 0;
        }

        Lookup(bytes); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        double sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            sum += Lookup(bytes);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(48.85 * 1000, sum, 6);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Wrong_type_accessor_throws_InvalidCast()
    {
        var view = new BsonDocumentView(Photo());
        Assert.True(view.TryGetValue("title", out var title));
        try
        {
            _ = title.AsInt32;
            Assert.Fail("expected InvalidCastException");
        }
        catch (InvalidCastException)
        {
        }
    }

    [Fact]
    public void Garbage_inside_is_reported_as_format_exception_during_lookup()
    {
        byte[] bytes = Photo();
        // Corrupt the "exif" embedded document's length prefix to point past the end.
        int at = bytes.AsSpan().IndexOf("exif\0"u8) + 5;
        bytes[at + 3] = 0x7F;
        try
        {
            var view = new BsonDocumentView(bytes);
            view.TryGetValue("ok", out _);
            Assert.Fail("expected BsonFormatException");
        }
        catch (BsonFormatException)
        {
        }
    }
}
