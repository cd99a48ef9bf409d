using System.Security.Cryptography;

namespace Shopfloor.Security;

/// <summary>
/// The AES-256 keys for field encryption, by key id. New values use the active key; older keys stay to decrypt
/// what they wrote until it is re-encrypted (<see cref="FieldEncryptor.Reencrypt"/>), then they can be dropped.
/// </summary>
public sealed class FieldKeyring : IDisposable
{
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <param name="activeKeyId">The key that encrypts new values; must be among <paramref name="keys"/>.</param>
    /// <param name="keys">Key id → 32-byte key. Ids are 1–64 printable ASCII characters (they are stored in every value).</param>
    public FieldKeyring(string activeKeyId, IReadOnlyDictionary<string, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var (id, key) in keys)
        {
            if (id.Length is 0 or > 64 || !id.All(c => c is >= '!' and <= '~'))
            {
                throw new ArgumentException($"Key id '{id}' must be 1–64 printable ASCII characters.", nameof(keys));
            }
            if (key is not { Length: 32 })
            {
                throw new ArgumentException($"Key '{id}' must be 32 bytes (AES-256).", nameof(keys));
            }
            _keys[id] = (byte[])key.Clone();
        }
        if (!_keys.ContainsKey(activeKeyId))
        {
            throw new ArgumentException($"The active key '{activeKeyId}' is not in the keyring.", nameof(activeKeyId));
        }
        ActiveKeyId = activeKeyId;
    }

    public string ActiveKeyId { get; }

    public IEnumerable<string> KeyIds => _keys.Keys;

    /// <summary>The key with this id, or false when it was never known or has been retired.</summary>
    public bool TryGetKey(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);

    /// <summary>Wipes the keys from memory.</summary>
    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
        _keys.Clear();
    }
}
