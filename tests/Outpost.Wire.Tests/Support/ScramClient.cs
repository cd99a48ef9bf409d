using System.Security.Cryptography;
using System.Text;
using Outpost.Bson;
using Outpost.Wire.Auth;

namespace Outpost.Wire.Tests.Support;

/// <summary>The client side of SCRAM written from RFC 5802, independent of the server's code paths where it matters.</summary>
public static class ScramClient
{
    public static async Task<BsonDocument> AuthenticateAsync(CommandClient client, string user, string password, string db = "admin", string mechanism = "SCRAM-SHA-256")
    {
        bool sha1 = mechanism == "SCRAM-SHA-1";
        string clientNonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        string clientFirstBare = $"n={user},r={clientNonce}";
        var start = await client.RunAsync(new BsonDocument
        {
            { "saslStart", 1 }, { "mechanism", mechanism },
            { "payload", new BsonBinary(Encoding.UTF8.GetBytes("n,," + clientFirstBare)) },
            { "options", new BsonDocument("skipEmptyExchange", true) },
        }, db);
        if (start["ok"].ToDouble() != 1) return start;
        string serverFirst = Encoding.UTF8.GetString(start["payload"].AsBinary.Data.Span);
        var parts = serverFirst.Split(',').ToDictionary(p => p[..1], p => p[2..]);
        byte[] salt = Convert.FromBase64String(parts["s"]);
        int iterations = int.Parse(parts["i"], System.Globalization.CultureInfo.InvariantCulture);
        string withoutProof = $"c=biws,r={parts["r"]}";
        string authMessage = $"{clientFirstBare},{serverFirst},{withoutProof}";
#pragma warning disable CA5350, CA5351
        string prepared = sha1 ? Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{user}:mongo:{password}"))) : password;
        byte[] salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(prepared), salt, iterations, sha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256, sha1 ? 20 : 32);
        byte[] Hmac(byte[] key, byte[] data) => sha1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);
        byte[] clientKey = Hmac(salted, "Client Key"u8.ToArray());
        byte[] storedKey = sha1 ? SHA1.HashData(clientKey) : SHA256.HashData(clientKey);
#pragma warning restore CA5350, CA5351
        byte[] signature = Hmac(storedKey, Encoding.UTF8.GetBytes(authMessage));
        byte[] proof = clientKey.Select((b, i) => (byte)(b ^ signature[i])).ToArray();
        var cont = await client.RunAsync(new BsonDocument
        {
            { "saslContinue", 1 }, { "conversationId", start["conversationId"] },
            { "payload", new BsonBinary(Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}")) },
        }, db);
        if (cont["ok"].ToDouble() != 1) return cont;
        byte[] serverKey = Hmac(salted, "Server Key"u8.ToArray());
        string expected = "v=" + Convert.ToBase64String(Hmac(serverKey, Encoding.UTF8.GetBytes(authMessage)));
        Assert.Equal(expected, Encoding.UTF8.GetString(cont["payload"].AsBinary.Data.Span));
        return cont;
    }
}
