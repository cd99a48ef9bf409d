using System.Security.Cryptography;
using System.Text.Json;
using Shopfloor.Security;

namespace Shopfloor.Server;

/// <summary>
/// The server's secrets (JWT signing key, field-encryption key, admin key), kept in <c>keys.json</c> beside the
/// data so a restarted demo still reads its encrypted fields and honours issued tokens. A real deployment injects
/// them from a secret store through <see cref="ShopfloorOptions"/> instead.
/// </summary>
public sealed record ShopfloorSecrets(byte[] JwtKey, string FieldKeyId, byte[] FieldKey, string AdminKey)
{
    /// <summary>Loads <c>keys.json</c> from the folder, creating it with fresh random keys when missing.</summary>
    public static ShopfloorSecrets LoadOrCreate(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "keys.json");
        if (File.Exists(path))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            return new ShopfloorSecrets(
                Convert.FromBase64String(root.GetProperty("jwtKey").GetString()!),
                root.GetProperty("fieldKeyId").GetString()!,
                Convert.FromBase64String(root.GetProperty("fieldKey").GetString()!),
                root.GetProperty("adminKey").GetString()!);
        }
        var secrets = new ShopfloorSecrets(RandomNumberGenerator.GetBytes(32), "k1", RandomNumberGenerator.GetBytes(32),
            Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["jwtKey"] = Convert.ToBase64String(secrets.JwtKey),
            ["fieldKeyId"] = secrets.FieldKeyId,
            ["fieldKey"] = Convert.ToBase64String(secrets.FieldKey),
            ["adminKey"] = secrets.AdminKey,
        });
        File.WriteAllText(path, json);
        return secrets;
    }

    /// <summary>A keyring holding the one field key.</summary>
    public FieldKeyring CreateKeyring() => new(FieldKeyId, new Dictionary<string, byte[]> { [FieldKeyId] = FieldKey });

    /// <summary>JWT options with the signing key.</summary>
    public JwtOptions CreateJwtOptions() => new() { SigningKey = JwtKey };
}
