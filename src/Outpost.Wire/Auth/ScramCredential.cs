using System.Security.Cryptography;
using System.Text;

namespace Outpost.Wire.Auth;

/// <summary>A salted SCRAM credential: what the server keeps instead of a password (RFC 5802 StoredKey/ServerKey).</summary>
/// <param name="Salt">Random salt.</param>
/// <param name="Iterations">PBKDF2 iteration count.</param>
/// <param name="StoredKey">H(ClientKey).</param>
/// <param name="ServerKey">HMAC(SaltedPassword, "Server Key").</param>
public sealed record ScramCredential(byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>MongoDB's default iteration counts (scramSHA1IterationCount / scramSHA256IterationCount).</summary>
    public static int DefaultIterations(ScramMechanism mechanism) => mechanism == ScramMechanism.ScramSha1 ? 10_000 : 15_000;

    /// <summary>Derives a credential for <paramref name="user"/>'s <paramref name="password"/> with a fresh random salt.</summary>
    public static ScramCredential Create(ScramMechanism mechanism, string user, string password, int? iterations = null)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(mechanism == ScramMechanism.ScramSha1 ? 16 : 28);
        int n = iterations ?? DefaultIterations(mechanism);
        byte[] salted = SaltedPassword(mechanism, user, password, salt, n);
        byte[] clientKey = ScramCrypto.Hmac(mechanism, salted, "Client Key"u8);
        byte[] serverKey = ScramCrypto.Hmac(mechanism, salted, "Server Key"u8);
        return new ScramCredential(salt, n, ScramCrypto.Hash(mechanism, clientKey), serverKey);
    }

    /// <summary>Hi(password, salt, i) with MongoDB's password preparation per mechanism.</summary>
    public static byte[] SaltedPassword(ScramMechanism mechanism, string user, string password, byte[] salt, int iterations)
    {
        // SCRAM-SHA-1 in MongoDB hashes the MD5 "user:mongo:password" digest, not the password itself.
        string prepared = mechanism == ScramMechanism.ScramSha1 ? ScramCrypto.MongoPasswordDigest(user, password) : password.Normalize(NormalizationForm.FormKC);
        var algorithm = mechanism == ScramMechanism.ScramSha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(prepared), salt, iterations, algorithm, mechanism == ScramMechanism.ScramSha1 ? 20 : 32);
    }
}
