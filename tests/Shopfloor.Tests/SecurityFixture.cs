using System.Security.Cryptography;
using Shopfloor.Domain;
using Shopfloor.Security;

namespace Shopfloor.Tests;

/// <summary>A wired sign-in stack on in-memory stores with a hand-moved clock.</summary>
internal sealed class SecurityFixture
{
    public const string PaintPin = "482913";
    public const string QaPin = "771204";

    public SecurityFixture(LockoutOptions? lockout = null, byte[]? key = null)
    {
        Key = key ?? RandomNumberGenerator.GetBytes(32);
        Tokens = new DeviceTokenService(new JwtOptions { SigningKey = Key }, Sessions, Clock);
        SignIn = new DeviceSignInService(Credentials, Lockouts, Hasher, Tokens, lockout ?? new LockoutOptions(), SignInLog, Clock);
    }

    public ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    public byte[] Key { get; }
    public PinHasher Hasher { get; } = new();
    public InMemoryDepartmentCredentialStore Credentials { get; } = new();
    public InMemoryLockoutStore Lockouts { get; } = new();
    public InMemoryDeviceSessionStore Sessions { get; } = new();
    public ListLogger<DeviceSignInService> SignInLog { get; } = new();
    public DeviceTokenService Tokens { get; }
    public DeviceSignInService SignIn { get; }

    public async Task<SecurityFixture> WithPinsAsync()
    {
        await SignIn.SetPinAsync(Departments.Paint, PaintPin);
        await SignIn.SetPinAsync(Departments.QaQc, QaPin);
        return this;
    }
}
