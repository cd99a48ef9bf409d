using Shopfloor.Security;

namespace Shopfloor.Tests;

public sealed class PinHasherTests
{
    private readonly PinHasher _hasher = new();

    [Fact]
    public void Hash_is_versioned_salted_and_verifies_only_the_right_pin()
    {
        var a = _hasher.Hash("482913");
        var b = _hasher.Hash("482913");
        Assert.StartsWith("$pbkdf2-sha256$v=1$i=210000$", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain("482913", a, StringComparison.Ordinal);
        Assert.True(_hasher.Verify("482913", a));
        Assert.True(_hasher.Verify("482913", b));
        Assert.False(_hasher.Verify("482914", a));
        Assert.False(_hasher.Verify("", a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-pin")]
    [InlineData("$pbkdf2-sha256$v=1$i=210000$notbase64$notbase64")]
    [InlineData("$pbkdf2-sha256$v=2$i=210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("$pbkdf2-sha256$v=1$i=-5$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Malformed_or_unknown_hashes_never_verify(string stored)
    {
        Assert.False(_hasher.Verify("1234", stored));
        Assert.True(_hasher.NeedsRehash(stored));
    }

    [Fact]
    public void Fewer_iterations_than_owasp_are_refused_and_old_hashes_need_rehash()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PinHasher(100_000));
        var old = _hasher.Hash("1234");
        var stronger = new PinHasher(300_000);
        Assert.True(stronger.Verify("1234", old));
        Assert.True(stronger.NeedsRehash(old));
        Assert.False(_hasher.NeedsRehash(old));
    }
}
