using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shopfloor.Security;

/// <summary>
/// Access PINs are stored only as salted PBKDF2-HMAC-SHA256 hashes in a versioned string:
/// <c>$pbkdf2-sha256$v=1$i=&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>.
/// The iteration count is inside the string, so raising it later still verifies old hashes
/// (and <see cref="NeedsRehash"/> says when to upgrade one after a successful sign-in).
/// </summary>
public sealed class PinHasher
{
    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int MinimumIterations = 210_000;
    private const int SaltSize = 16;
    private const int HashSize = 32;
    private const string Prefix = "$pbkdf2-sha256$v=1$i=";

    public PinHasher(int iterations = MinimumIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        Iterations = iterations;
    }

    public int Iterations { get; }

    /// <summary>Hashes a PIN with a fresh random salt.</summary>
    public string Hash(string pin)
    {
        ArgumentException.ThrowIfNullOrEmpty(pin);
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Derive(pin, salt, Iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// Checks a PIN against a stored hash in constant time (for a given hash string). A malformed or unknown-version
    /// hash never verifies.
    /// </summary>
    public bool Verify(string pin, string storedHash)
    {
        ArgumentNullException.ThrowIfNull(pin);
        if (!TryParse(storedHash, out var iterations, out var salt, out var expected))
        {
            return false;
        }
        var actual = Derive(pin, salt, iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// Burns the same time as a real verification; used when the department code is unknown, so the response time
    /// does not tell an attacker which codes exist.
    /// </summary>
    public void VerifyDummy(string pin) => Derive(pin ?? "", new byte[SaltSize], Iterations);

    /// <summary>True when the stored hash uses fewer iterations than this hasher (or is unreadable).</summary>
    public bool NeedsRehash(string storedHash) =>
        !TryParse(storedHash, out var iterations, out _, out _) || iterations < Iterations;

    private static byte[] Derive(string pin, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, iterations, HashAlgorithmName.SHA256, HashSize);

    private static bool TryParse(string? stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        if (stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var parts = stored[Prefix.Length..].Split('$');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations < 1)
        {
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(parts[1]);
            hash = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length == SaltSize && hash.Length == HashSize;
    }
}
