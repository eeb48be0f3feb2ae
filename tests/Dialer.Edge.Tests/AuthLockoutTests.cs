using Dialer.Edge.Registrar;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

public sealed class AuthLockoutTests
{
    private static readonly LockoutSettings s_settings = new() { MaxFailures = 3, Window = TimeSpan.FromSeconds(60), CoolOff = TimeSpan.FromSeconds(300) };

    [Test]
    public void ThirdFailureInTheWindow_LocksForTheCoolOff()
    {
        var clock = new ManualTimeProvider();
        var lockout = new AuthLockout(s_settings, clock);
        Assert.That(lockout.Fail("ip:192.0.2.1"), Is.False);
        Assert.That(lockout.Fail("ip:192.0.2.1"), Is.False);
        Assert.That(lockout.Fail("ip:192.0.2.1"), Is.True, "the locking failure is reported once, for the log");
        Assert.That(lockout.IsLocked("ip:192.0.2.1"), Is.True);
        Assert.That(lockout.IsLocked("ip:192.0.2.2"), Is.False);
        clock.Advance(TimeSpan.FromSeconds(299));
        Assert.That(lockout.IsLocked("ip:192.0.2.1"), Is.True);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(lockout.IsLocked("ip:192.0.2.1"), Is.False);
    }

    [Test]
    public void FailuresSpreadBeyondTheWindow_DoNotLock()
    {
        var clock = new ManualTimeProvider();
        var lockout = new AuthLockout(s_settings, clock);
        lockout.Fail("ext:1001");
        lockout.Fail("ext:1001");
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.That(lockout.Fail("ext:1001"), Is.False);
        Assert.That(lockout.IsLocked("ext:1001"), Is.False);
    }

    [Test]
    public void Success_ClearsTheCount()
    {
        var clock = new ManualTimeProvider();
        var lockout = new AuthLockout(s_settings, clock);
        lockout.Fail("ext:1001");
        lockout.Fail("ext:1001");
        lockout.Succeed("ext:1001");
        Assert.That(lockout.Fail("ext:1001"), Is.False);
        Assert.That(lockout.Fail("ext:1001"), Is.False);
        Assert.That(lockout.IsLocked("ext:1001"), Is.False);
    }
}
