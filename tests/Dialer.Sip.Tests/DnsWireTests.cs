using Dialer.Sip.Dns;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

public sealed class DnsWireTests
{
    [Test]
    public void HostilePackets_AreRefusedWithoutThrowing()
    {
        // An answer whose name points at itself (a compression loop).
        byte[] loop = [0x12, 0x34, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4];
        Assert.That(DnsWire.TryParse(loop, 0x1234, out _, out _), Is.False);
        // Truncated in the middle of a record; wrong id; a query rather than an answer.
        Assert.That(DnsWire.TryParse(loop.AsSpan(0, 20), 0x1234, out _, out _), Is.False);
        Assert.That(DnsWire.TryParse(DnsWire.Query(7, "a.test", DnsRecordType.A), 8, out _, out _), Is.False);
        Assert.That(DnsWire.TryParse(DnsWire.Query(7, "a.test", DnsRecordType.A), 7, out _, out _), Is.False);
    }

    [Test]
    public void Query_RefusesInvalidNames()
    {
        Assert.That(() => DnsWire.Query(1, "a..b", DnsRecordType.A), Throws.ArgumentException);
        Assert.That(() => DnsWire.Query(1, new string('x', 64) + ".test", DnsRecordType.A), Throws.ArgumentException);
    }
}
