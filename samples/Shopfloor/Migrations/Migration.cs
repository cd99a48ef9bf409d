using System.Security.Cryptography;
using System.Text;
using Outpost.Bson;
using Outpost.Bson.Json;

namespace Shopfloor.Migrations;

/// <summary>
/// A versioned schema migration with up and down steps. Its checksum is the SHA-256 of its canonical definition
/// (version, description, every step as data), so editing an applied migration is detected by <c>status</c>
/// and refused by <c>up</c>.
/// </summary>
public sealed class Migration
{
    public Migration(int version, string description, IReadOnlyList<MigrationStep> up, IReadOnlyList<MigrationStep> down)
    {
        Version = version;
        Description = description;
        Up = up;
        Down = down;
        Checksum = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(BsonJson.ToJson(Definition, JsonOutputMode.CanonicalExtendedJson)))).ToLowerInvariant();
    }

    /// <summary>Version number (1, 2, …).</summary>
    public int Version { get; }

    /// <summary>What it does.</summary>
    public string Description { get; }

    /// <summary>Steps applied going up, in order.</summary>
    public IReadOnlyList<MigrationStep> Up { get; }

    /// <summary>Steps applied going down, in order.</summary>
    public IReadOnlyList<MigrationStep> Down { get; }

    /// <summary>SHA-256 (hex) of <see cref="Definition"/> in canonical Extended JSON.</summary>
    public string Checksum { get; }

    /// <summary>The migration as data.</summary>
    public BsonDocument Definition
    {
        get
        {
            var up = new BsonArray();
            foreach (var s in Up) up.Add(s.Definition);
            var down = new BsonArray();
            foreach (var s in Down) down.Add(s.Definition);
            return new BsonDocument { { "version", Version }, { "description", Description }, { "up", up }, { "down", down } };
        }
    }
}
