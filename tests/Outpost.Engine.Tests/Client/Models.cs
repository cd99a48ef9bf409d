using Outpost.Bson;
using Outpost.Engine.Client;

namespace Outpost.Engine.Tests.Client;

public enum PhotoStatus
{
    Pending,
    Approved,
    Rejected,
}

public sealed class Address
{
    public string City { get; set; } = "";
    public string? Zip { get; set; }
}

public sealed class Photo
{
    public ObjectId Id { get; set; }
    public string Title { get; set; } = "";
    public int Size { get; set; }
    public long Views { get; set; }
    public double Score { get; set; }
    public decimal Price { get; set; }
    public bool IsPublic { get; set; }
    public PhotoStatus Status { get; set; }
    public DateTime TakenAt { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    public Guid DeviceId { get; set; }
    public int? Rating { get; set; }
    public List<string> Tags { get; set; } = [];
    public int[] Dimensions { get; set; } = [];
    public Dictionary<string, double> Exif { get; set; } = [];
    public Address? Location { get; set; }

    [BsonElementName("by")]
    public string? Author { get; set; }

    [BsonIgnore]
    public string Cached { get; set; } = "";
}

public sealed record Person(string Id, string Name, int Age, PhotoStatus Status, IReadOnlyList<string> Nicknames);

public sealed record Counter(Guid Id, long Value);

public sealed class Keyed
{
    [BsonId]
    public int Number { get; set; }

    public string Label { get; set; } = "";
}
