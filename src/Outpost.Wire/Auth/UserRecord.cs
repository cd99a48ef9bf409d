using Outpost.Bson;

namespace Outpost.Wire.Auth;

/// <summary>A database user: its credentials per mechanism and its roles.</summary>
public sealed class UserRecord
{
    /// <summary>The authentication database.</summary>
    public required string Db { get; init; }

    /// <summary>The user name.</summary>
    public required string User { get; init; }

    /// <summary>SCRAM-SHA-1 credential, when that mechanism is enabled for the user.</summary>
    public ScramCredential? Sha1 { get; set; }

    /// <summary>SCRAM-SHA-256 credential.</summary>
    public ScramCredential? Sha256 { get; set; }

    /// <summary>Granted roles.</summary>
    public List<RoleGrant> Roles { get; set; } = [];

    /// <summary>Free-form data stored with the user.</summary>
    public BsonDocument? CustomData { get; set; }

    /// <summary>The credential for a mechanism, or null.</summary>
    public ScramCredential? CredentialFor(ScramMechanism mechanism) => mechanism == ScramMechanism.ScramSha1 ? Sha1 : Sha256;

    /// <summary>The mechanisms this user can authenticate with, by their SASL names.</summary>
    public BsonArray MechanismNames()
    {
        var names = new BsonArray();
        if (Sha1 is not null) names.Add("SCRAM-SHA-1");
        if (Sha256 is not null) names.Add("SCRAM-SHA-256");
        return names;
    }
}
