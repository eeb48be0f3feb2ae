using Dialer.Testing;
using Dialer.Sip.Transport;
using NUnit.Framework;

namespace Dialer.Sip.Tests.Loopback;

/// <summary>SIPp's built-in UAC places whole calls (INVITE/100/180/200/ACK/BYE/200) against a UAS made only of Dialer.Sip.</summary>
public sealed class SippInteropTests
{
    [TestCase("u1", SipProtocol.Udp)]
    [TestCase("t1", SipProtocol.Tcp)]
    public async Task SippUac_CompletesEveryCall(string transport, SipProtocol protocol)
    {
        await using var uas = TestUas.Start("udp:127.0.0.1:0", "tcp:127.0.0.1:0");
        const int Calls = 40;
        var result = await Sipp.RunAsync(
            ["-sn", "uac", "-t", transport, "-i", "127.0.0.1", "-p", LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-m", Calls.ToString(System.Globalization.CultureInfo.InvariantCulture), "-r", "20", "-l", "20", "-d", "200",
             $"127.0.0.1:{uas.Port(protocol)}"],
            TimeSpan.FromSeconds(60));
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(uas.Answered, Is.EqualTo(Calls));
        Assert.That(uas.Acked, Is.EqualTo(Calls));
        Assert.That(uas.Byes, Is.EqualTo(Calls));
    }
}
