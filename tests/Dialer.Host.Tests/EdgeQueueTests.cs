using System.Net;
using Dapper;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Over-long values never stall a write-behind queue (issue "Edge under attack"): a 2 KB Contact is refused at the edge
/// with 400, a 70-digit number and a 65-character campaign are stored as far as the columns go, and every other row
/// is stored exactly once.
/// </summary>
public sealed class EdgeQueueTests
{
    [Test]
    public async Task OverLongValues_AreRefusedOrCut_AndEveryOtherRowIsStoredOnce()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32" });
        using var admin = server.Client();
        UdpPeer? self = null;
        using var carrier = self = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, self!.HostPort));
        Assert.That((await admin.PostJsonAsync("/api/trunks",
            $$"""{"name":"queues","channelCap":5,"dialPrefix":"71","servers":[{"host":"127.0.0.1","port":{{carrier.Local.Port}}}]}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await admin.PostJsonAsync("/api/phones", """{"extension":"7101","password":"queue-password"}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await server.WaitForPeersAsync();

        using var phone = new UdpPeer("127.0.0.1");
        var register = $"REGISTER sip:127.0.0.1:{server.SipPort()} SIP/2.0\r\nVia: SIP/2.0/UDP {phone.HostPort};branch={RawSip.Branch()};rport\r\nMax-Forwards: 70\r\n"
            + $"From: <sip:7101@127.0.0.1>;tag=q\r\nTo: <sip:7101@127.0.0.1>\r\nCall-ID: {Guid.NewGuid():N}\r\nCSeq: 1 REGISTER\r\n"
            + $"Contact: <sip:7101@{phone.HostPort};x={new string('a', 2048)}>\r\nContent-Length: 0\r\n\r\n";
        await phone.SendAsync(register, server.SipPort());
        Assert.That(await phone.WaitForResponseAsync(400, "REGISTER", TimeSpan.FromSeconds(3)), Is.Not.Null, "a 2 KB Contact is refused at the edge");

        using var dialer = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, "127.0.0.1:9"));
        var longNumber = "71" + new string('5', 68);
        var longCampaign = new string('c', 65);
        var normal = await CallAsync(dialer, server.SipPort(), "715551234", "n1", "X-Dialer-Campaign: none");
        var odd = await CallAsync(dialer, server.SipPort(), longNumber, "o1", $"X-Dialer-Campaign: {longCampaign}");
        foreach (var ok in new[] { normal, odd })
        {
            await dialer.SendAsync(RawSip.InDialog("BYE", dialer, ok, 2), server.SipPort());
        }
        Assert.That(await Eventually.TrueAsync(async () => (await RowsAsync(server)).Length == 2, TimeSpan.FromSeconds(10)), Is.True, "both calls logged");
        var rows = await RowsAsync(server);
        Assert.That(rows.Select(r => r.Number), Is.EquivalentTo(new[] { "715551234", longNumber[..64] }), "as dialled; the long number kept as far as the column goes");
        Assert.That(rows.Single(r => r.Number != "715551234").Campaign, Is.EqualTo(longCampaign[..64]));
    }

    private static async Task<string> CallAsync(UdpPeer dialer, int edgePort, string number, string fromTag, string extra)
    {
        var seen = dialer.Received.Count;
        await dialer.SendAsync(RawSip.Invite(dialer, edgePort, number, Guid.NewGuid().ToString("N"), fromTag, 1, extra), edgePort);
        var ok = await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal) && SipText.Tag(SipText.Header(m, "From")!) == fromTag,
            TimeSpan.FromSeconds(3), seen);
        Assert.That(ok, Is.Not.Null, $"the call to {number} is answered");
        await dialer.SendAsync(RawSip.InDialog("ACK", dialer, ok!, 1), edgePort);
        return ok!;
    }

    private static async Task<(string Number, string? Campaign)[]> RowsAsync(ApiServer server)
    {
        await server.Edge.FlushCallLogAsync(TimeSpan.FromSeconds(2));
        await using var connection = await server.Database!.Database.OpenAsync(CancellationToken.None);
        return [.. await connection.QueryAsync<(string, string?)>("SELECT number, campaign FROM call_log WHERE trunk = 'queues'")];
    }
}
