using System.Security.Cryptography;
using Shopfloor.Domain;
using Shopfloor.Security;

namespace Shopfloor.Tests;

public sealed class TokenTests
{
    private static async Task<(SecurityFixture F, string Token, DeviceSession Session)> SignedInAsync()
    {
        var f = await new SecurityFixture().WithPinsAsync();
        var r = await f.SignIn.SignInAsync("tablet-1", "PNT", SecurityFixture.PaintPin, TestContext.Current.CancellationToken);
        return (f, r.Token!, r.Session!);
    }

    [Fact]
    public async Task Token_carries_the_claims_and_lasts_24_hours()
    {
        var (f, token, session) = await SignedInAsync();
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("tablet-1", jwt.Subject);
        Assert.Equal(session.SessionId, jwt.GetPayloadValue<string>("sid"));
        Assert.Equal(Departments.Paint.Id, jwt.GetPayloadValue<string>("departmentId"));
        Assert.Equal("PNT", jwt.GetPayloadValue<string>("departmentCode"));
        Assert.Equal(new[] { "photo:create", "photo:read" }, jwt.GetPayloadValue<string[]>("permissions"));
        Assert.Equal(TimeSpan.FromHours(24), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(f.Clock.Now + TimeSpan.FromHours(24), session.ExpiresAt);
    }

    [Fact]
    public async Task Valid_token_updates_last_activity()
    {
        var (f, token, session) = await SignedInAsync();
        f.Clock.Advance(TimeSpan.FromHours(1));
        var check = await f.Tokens.ValidateAsync(token, TestContext.Current.CancellationToken);
        Assert.True(check.IsValid, check.Error);
        Assert.Equal(f.Clock.Now, (await f.Sessions.GetAsync(session.SessionId, TestContext.Current.CancellationToken))!.LastActivity);
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var (f, token, _) = await SignedInAsync();
        for (var i = 0; i < 3; i++)
        {
            f.Clock.Advance(TimeSpan.FromHours(8)); // stay under the idle timeout, reach the 24 h expiry
            await f.Tokens.ValidateAsync(token, TestContext.Current.CancellationToken);
        }
        f.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(TokenFailure.Expired, (await f.Tokens.ValidateAsync(token, TestContext.Current.CancellationToken)).Failure);
    }

    [Fact]
    public async Task Idle_session_is_refused()
    {
        var (f, token, _) = await SignedInAsync();
        f.Clock.Advance(TimeSpan.FromHours(13));
        Assert.Equal(TokenFailure.SessionExpired, (await f.Tokens.ValidateAsync(token, TestContext.Current.CancellationToken)).Failure);
    }

    [Fact]
    public async Task Revoked_session_refuses_its_token_but_not_other_devices()
    {
        var (f, token, session) = await SignedInAsync();
        var other = await f.SignIn.SignInAsync("tablet-2", "PNT", SecurityFixture.PaintPin, TestContext.Current.CancellationToken);
        Assert.True(await f.Sessions.RevokeAsync(session.SessionId, f.Clock.Now, "tablet lost", TestContext.Current.CancellationToken));
        var check = await f.Tokens.ValidateAsync(token, TestContext.Current.CancellationToken);
        Assert.Equal(TokenFailure.Revoked, check.Failure);
        Assert.Contains("tablet lost", check.Error, StringComparison.Ordinal);
        Assert.True((await f.Tokens.ValidateAsync(other.Token!, TestContext.Current.CancellationToken)).IsValid);
        Assert.Equal(1, await f.Sessions.RevokeDeviceAsync("tablet-2", f.Clock.Now, "wiped", TestContext.Current.CancellationToken));
        Assert.Equal(TokenFailure.Revoked, (await f.Tokens.ValidateAsync(other.Token!, TestContext.Current.CancellationToken)).Failure);
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_refused()
    {
        var (f, token, _) = await SignedInAsync();
        var stranger = new DeviceTokenService(new JwtOptions { SigningKey = RandomNumberGenerator.GetBytes(32) }, f.Sessions, f.Clock);
        Assert.Equal(TokenFailure.Invalid, (await stranger.ValidateAsync(token, TestContext.Current.CancellationToken)).Failure);
        var (forged, _) = await stranger.IssueAsync("tablet-9", Departments.QaQc.Id, "QAC", Permissions.All, TestContext.Current.CancellationToken);
        Assert.Equal(TokenFailure.Invalid, (await f.Tokens.ValidateAsync(forged, TestContext.Current.CancellationToken)).Failure);
    }

    [Fact]
    public async Task Tampered_or_unsigned_tokens_are_refused()
    {
        var (f, token, _) = await SignedInAsync();
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace("PAINT", "QA", StringComparison.Ordinal);
        var tampered = parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload) + "." + parts[2];
        Assert.Equal(TokenFailure.Invalid, (await f.Tokens.ValidateAsync(tampered, TestContext.Current.CancellationToken)).Failure);
        var none = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        Assert.Equal(TokenFailure.Invalid, (await f.Tokens.ValidateAsync(none, TestContext.Current.CancellationToken)).Failure);
        Assert.Equal(TokenFailure.Invalid, (await f.Tokens.ValidateAsync("not-a-token", TestContext.Current.CancellationToken)).Failure);
    }

    [Fact]
    public async Task Token_whose_session_is_unknown_is_refused()
    {
        var f = await new SecurityFixture().WithPinsAsync();
        var r = await f.SignIn.SignInAsync("tablet-1", "PNT", SecurityFixture.PaintPin, TestContext.Current.CancellationToken);
        // Same key, fresh session store: the token's sid names nothing (e.g. sessions wiped after a breach).
        var fresh = new DeviceTokenService(new JwtOptions { SigningKey = f.Key }, new InMemoryDeviceSessionStore(), f.Clock);
        Assert.Equal(TokenFailure.UnknownSession, (await fresh.ValidateAsync(r.Token!, TestContext.Current.CancellationToken)).Failure);
    }

    [Fact]
    public void Short_signing_keys_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new DeviceTokenService(new JwtOptions { SigningKey = new byte[31] }, new InMemoryDeviceSessionStore()));
    }
}
