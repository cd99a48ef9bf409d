using Shopfloor.Domain;
using Shopfloor.Security;

namespace Shopfloor.Tests;

public sealed class SignInTests
{
    [Fact]
    public async Task Right_pin_signs_in_with_department_permissions()
    {
        var f = await new SecurityFixture().WithPinsAsync();
        var paint = await f.SignIn.SignInAsync("tablet-1", "pnt", SecurityFixture.PaintPin, TestContext.Current.CancellationToken);
        Assert.True(paint.Succeeded);
        Assert.Equal(new[] { Permissions.PhotoCreate, Permissions.PhotoRead }, paint.Session!.Permissions);
        Assert.Equal(Departments.Paint.Id, paint.Session.DepartmentId);

        var qa = await f.SignIn.SignInAsync("tablet-2", "QAC", SecurityFixture.QaPin, TestContext.Current.CancellationToken);
        Assert.Equal(Permissions.All, qa.Session!.Permissions);
        var check = await f.Tokens.ValidateAsync(qa.Token!, TestContext.Current.CancellationToken);
        Assert.True(check.IsValid, check.Error);
        Assert.Equal("tablet-2", check.Principal!.DeviceId);
        Assert.Equal("QAC", check.Principal.DepartmentCode);
    }

    [Fact]
    public async Task Wrong_pin_unknown_or_inactive_department_are_refused()
    {
        var f = await new SecurityFixture().WithPinsAsync();
        Assert.Equal(SignInFailure.InvalidPin, (await f.SignIn.SignInAsync("tablet-1", "PNT", "000000", TestContext.Current.CancellationToken)).Failure);
        Assert.Equal(SignInFailure.InvalidPin, (await f.SignIn.SignInAsync("tablet-1", "PNT", SecurityFixture.QaPin, TestContext.Current.CancellationToken)).Failure);
        Assert.Equal(SignInFailure.InvalidDepartment, (await f.SignIn.SignInAsync("tablet-1", "XYZ", SecurityFixture.PaintPin, TestContext.Current.CancellationToken)).Failure);
        await f.SignIn.SetPinAsync(Departments.ZLine, "5555", active: false, TestContext.Current.CancellationToken);
        Assert.Equal(SignInFailure.InvalidDepartment, (await f.SignIn.SignInAsync("tablet-1", "ZLN", "5555", TestContext.Current.CancellationToken)).Failure);
        Assert.Null((await f.SignIn.SignInAsync("tablet-1", "PNT", "000000", TestContext.Current.CancellationToken)).Token);
        Assert.Contains(f.SignInLog.Entries, e => e.Message.Contains("InvalidPin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_device_out_even_with_the_right_pin_until_the_lockout_ends()
    {
        var f = await new SecurityFixture(new LockoutOptions { MaxFailuresPerDevice = 3, Window = TimeSpan.FromMinutes(10), LockoutDuration = TimeSpan.FromMinutes(5) }).WithPinsAsync();
        Assert.Equal(SignInFailure.InvalidPin, (await f.SignIn.SignInAsync("tablet-1", "PNT", "1", TestContext.Current.CancellationToken)).Failure);
        Assert.Equal(SignInFailure.InvalidPin, (await f.SignIn.SignInAsync("tablet-1", "PNT", "2", TestContext.Current.CancellationToken)).Failure);
        var third = await f.SignIn.SignInAsync("tablet-1", "PNT", "3", TestContext.Current.CancellationToken);
        Assert.Equal(SignInFailure.LockedOut, third.Failure);
        Assert.Equal(TimeSpan.FromMinutes(5), third.RetryAfter);

        var locked = await f.SignIn.SignInAsync("tablet-1", "PNT", SecurityFixture.PaintPin, TestContext.Current.CancellationToken);
        Assert.Equal(SignInFailure.LockedOut, locked.Failure);
        Assert.Null(locked.Token);
        // Another device is not locked by this one's failures.
        Assert.True((await f.SignIn.SignInAsync("tablet-2", "PNT", SecurityFixture.PaintPin, TestContext.Current.CancellationToken)).Succeeded);

        f.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await f.SignIn.SignInAsync("tablet-1", "PNT", SecurityFixture.PaintPin, TestContext.Current.CancellationToken)).Succeeded);
    }

    [Fact]
    public async Task Failures_spread_beyond_the_window_do_not_lock()
    {
        var f = await new SecurityFixture(new LockoutOptions { MaxFailuresPerDevice = 2, Window = TimeSpan.FromMinutes(10) }).WithPinsAsync();
        Assert.Equal(SignInFailure.InvalidPin, (await f.SignIn.SignInAsync("tablet-1", "PNT", "1", TestContext.Current.CancellationToken)).Failure);
        f.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(SignInFailure.InvalidPin, (await f.SignIn.SignInAsync("tablet-1", "PNT", "2", TestContext.Current.CancellationToken)).Failure);
    }

    [Fact]
    public async Task Guessing_with_invented_device_ids_locks_the_department_code()
    {
        var f = await new SecurityFixture(new LockoutOptions { MaxFailuresPerDevice = 5, MaxFailuresPerDepartment = 3 }).WithPinsAsync();
        for (var i = 0; i < 3; i++)
        {
            await f.SignIn.SignInAsync($"fake-{i}", "PNT", "0000", TestContext.Current.CancellationToken);
        }
        Assert.Equal(SignInFailure.LockedOut, (await f.SignIn.SignInAsync("fake-9", "PNT", SecurityFixture.PaintPin, TestContext.Current.CancellationToken)).Failure);
        Assert.True((await f.SignIn.SignInAsync("tablet-1", "QAC", SecurityFixture.QaPin, TestContext.Current.CancellationToken)).Succeeded);
    }

    [Fact]
    public async Task Pin_is_stored_only_as_a_hash()
    {
        var f = await new SecurityFixture().WithPinsAsync();
        var credential = await f.Credentials.FindByCodeAsync("PNT", TestContext.Current.CancellationToken);
        Assert.NotNull(credential);
        Assert.DoesNotContain(SecurityFixture.PaintPin, credential.PinHash, StringComparison.Ordinal);
        Assert.True(f.Hasher.Verify(SecurityFixture.PaintPin, credential.PinHash));
    }
}
