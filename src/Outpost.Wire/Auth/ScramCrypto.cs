using System.Security.Cryptography;
using System.Text;

namespace Outpost.Wire.Auth;

/// <summary>The hash primitives of SCRAM per mechanism.</summary>
internal static class ScramCrypto
{
    // SHA-1 and MD5 are what the SCRAM-SHA-1 mechanism and MongoDB's password digest are defined with;
    // they are not chosen here, and SCRAM-SHA-256 is the default.
#pragma warning disable CA5350, CA5351
    public static byte[] Hmac(ScramMechanism m, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) =>
        m == ScramMechanism.ScramSha1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);

    public static byte[] Hash(ScramMechanism m, ReadOnlySpan<byte> data) =>
        m == ScramMechanism.ScramSha1 ? SHA1.HashData(data) : SHA256.HashData(data);

    public static string MongoPasswordDigest(string user, string password) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{user}:mongo:{password}")));
#pragma warning restore CA5350, CA5351
}
