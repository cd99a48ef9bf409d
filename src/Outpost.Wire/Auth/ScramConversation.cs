using System.Security.Cryptography;
using System.Text;

namespace Outpost.Wire.Auth;

/// <summary>
/// The server side of one SCRAM exchange (RFC 5802/7677): client-first → server-first, client-final → server-final.
/// Failures say only "Authentication failed." so they reveal nothing about which user names exist.
/// </summary>
public sealed class ScramConversation
{
    private readonly ScramMechanism _mechanism;
    private readonly string _db;
    private string _clientFirstBare = "";
    private string _serverFirst = "";
    private string _nonce = "";
    private UserRecord? _user;
    private ScramCredential? _credential;

    /// <summary>Starts a conversation for <paramref name="mechanism"/> on authentication database <paramref name="db"/>.</summary>
    public ScramConversation(ScramMechanism mechanism, string db)
    {
        _mechanism = mechanism;
        _db = db;
    }

    /// <summary>The user name the client claimed in its first message.</summary>
    public string UserName { get; private set; } = "";

    /// <summary>The authentication database.</summary>
    public string Db => _db;

    /// <summary>The mechanism.</summary>
    public ScramMechanism Mechanism => _mechanism;

    /// <summary>Set once the client proof was verified.</summary>
    public UserRecord? AuthenticatedUser { get; private set; }

    /// <summary>Handles client-first-message; returns server-first-message.</summary>
    public async ValueTask<byte[]> StartAsync(ReadOnlyMemory<byte> clientFirst, IUserStore users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        string message = Encoding.UTF8.GetString(clientFirst.Span);
        // gs2-header: "n,," (no channel binding, no authzid).
        if (!message.StartsWith("n,", StringComparison.Ordinal)) throw Failed();
        int second = message.IndexOf(',', 2);
        if (second < 0) throw Failed();
        _clientFirstBare = message[(second + 1)..];
        string? user = null, clientNonce = null;
        foreach (string part in _clientFirstBare.Split(','))
        {
            if (part.StartsWith("n=", StringComparison.Ordinal)) user = part[2..].Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
            else if (part.StartsWith("r=", StringComparison.Ordinal)) clientNonce = part[2..];
        }
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(clientNonce)) throw Failed();
        UserName = user;
        _user = await users.FindAsync(_db, user, cancellationToken).ConfigureAwait(false);
        _credential = _user?.CredentialFor(_mechanism);
        // An unknown user still gets a plausible challenge; the proof check fails later.
        var credential = _credential ?? ScramCredential.Create(_mechanism, user, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), 4096);
        _nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(credential.Salt)},i={credential.Iterations}";
        return Encoding.UTF8.GetBytes(_serverFirst);
    }

    /// <summary>Handles client-final-message; returns server-final-message (v=ServerSignature) or throws AuthenticationFailed.</summary>
    public byte[] Continue(ReadOnlyMemory<byte> clientFinal)
    {
        string message = Encoding.UTF8.GetString(clientFinal.Span);
        int proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0) throw Failed();
        string withoutProof = message[..proofAt];
        string? nonce = null;
        foreach (string part in withoutProof.Split(','))
        {
            if (part.StartsWith("r=", StringComparison.Ordinal)) nonce = part[2..];
        }
        if (nonce != _nonce || _credential is null || _user is null) throw Failed();
        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(message[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            throw Failed();
        }
        byte[] authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        byte[] clientSignature = ScramCrypto.Hmac(_mechanism, _credential.StoredKey, authMessage);
        if (proof.Length != clientSignature.Length) throw Failed();
        byte[] clientKey = new byte[proof.Length];
        for (int i = 0; i < proof.Length; i++) clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        if (!CryptographicOperations.FixedTimeEquals(ScramCrypto.Hash(_mechanism, clientKey), _credential.StoredKey)) throw Failed();
        AuthenticatedUser = _user;
        byte[] serverSignature = ScramCrypto.Hmac(_mechanism, _credential.ServerKey, authMessage);
        return Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature));
    }

    /// <summary>Parses a SASL mechanism name.</summary>
    public static bool TryParseMechanism(string name, out ScramMechanism mechanism)
    {
        switch (name)
        {
            case "SCRAM-SHA-256": mechanism = ScramMechanism.ScramSha256; return true;
            case "SCRAM-SHA-1": mechanism = ScramMechanism.ScramSha1; return true;
            default: mechanism = default; return false;
        }
    }

    private static MongoException Failed() => new(ErrorCodes.AuthenticationFailed, "Authentication failed.");
}
