using System.Globalization;
using System.Net;
using Dialer.Sip.Auth;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// A phone behind NAT end to end, through a real `dialer serve` (whose console log the test reads): its Via says
/// 10.0.0.9:5060;rport but its datagrams come from 127.0.0.1:P. It registers with digest, every answer reaches P with
/// received/rport, it answers the edge's keepalive OPTIONS for a while, then falls silent, and after
/// Edge:NatPingMisses unanswered rounds its binding is gone and the removal logged (event 2003).
/// </summary>
public sealed class EdgeNatKeepaliveTests
{
    private const string Extension = "6001";
    private const string Password = "nat-password";
    private const int Misses = 2;

    [Test]
    public async Task NatedPhone_RegistersAtItsSource_IsKeptWhileItAnswersKeepalives_AndIsRemovedWhenSilent()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var serve = ServeProcess.Start(database.ConnectionString, ApiServer.SecretsKey, new Dictionary<string, string>
        {
            ["Dialer__Edge__NatPingSeconds"] = "1",
            ["Dialer__Edge__NatPingMisses"] = Misses.ToString(CultureInfo.InvariantCulture),
            ["Dialer__Edge__SnapshotPollMs"] = "100",
            ["Dialer__Edge__DrainSeconds"] = "0",
            ["Dialer__Health__Enabled"] = "false",
        });
        Assert.That(await serve.WaitHealthyAsync(), Is.True, "dialer serve starts");
        using var admin = serve.Client();
        var created = await admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{Extension}}","password":"{{Password}}"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var answering = 1;
        using var phone = new UdpPeer("127.0.0.1", 0,
            m => Volatile.Read(ref answering) == 1 && m.StartsWith("OPTIONS ", StringComparison.Ordinal) ? RawSip.Answer(m, "10.0.0.9:5060") : null);
        var port = phone.Local.Port.ToString(CultureInfo.InvariantCulture);
        // The edge learns of the new phone within its snapshot poll: until then the digest answer is refused too.
        var ok = await Eventually.ReadAsync(() => RegisterAsync(phone, serve.SipPort), r => r?.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal) == true);
        Assert.That(ok, Is.Not.Null.And.StartWith("SIP/2.0 200 "), "registered with digest");
        var responses = phone.Received.Where(m => m.StartsWith("SIP/2.0 ", StringComparison.Ordinal)).ToList();
        Assert.That(responses.Any(m => m.StartsWith("SIP/2.0 401 ", StringComparison.Ordinal)), Is.True, "challenged first");
        foreach (var response in responses)
        {
            Assert.That(SipText.Header(response, "Via"), Does.Contain(";received=127.0.0.1").And.Contain($";rport={port}"),
                "every answer, at the phone's real source port, tells it its mapping");
        }

        var answered = await Eventually.ReadAsync(() => Task.FromResult(Pings(phone)), p => p.Count >= 2, TimeSpan.FromSeconds(5));
        Assert.That(answered, Has.Count.GreaterThanOrEqualTo(2), "keepalives at the observed source, every NatPingSeconds");
        Assert.That(answered, Has.All.StartWith($"OPTIONS sip:{Extension}@10.0.0.9:5060 SIP/2.0\r\n"), "addressed to the contact as registered");
        Assert.That(await BindingsAsync(admin), Is.EqualTo(1), "kept while it answers");

        Volatile.Write(ref answering, 0);
        var silentFrom = Pings(phone).Count;
        Assert.That(await Eventually.ReadAsync(() => BindingsAsync(admin), n => n == 0, TimeSpan.FromSeconds(8)), Is.Zero, "removed once silent");
        Assert.That(Pings(phone).Count - silentFrom, Is.GreaterThanOrEqualTo(Misses), $"{Misses} keepalives went unanswered first");
        var (exitCode, output, errors) = await serve.StopAsync();
        Assert.That(exitCode, Is.Zero, errors);
        Assert.That(output, Does.Contain("Dialer.Edge.Location.NatKeepalive[2003]")
            .And.Contain($"Binding sip:{Extension}@10.0.0.9:5060 of phone {Extension} removed: its NAT keepalives to 127.0.0.1:{port} went unanswered {Misses} times"));
    }

    /// <summary>REGISTER from behind NAT, 401, REGISTER with digest: the final answer to the second, or null.</summary>
    private static async Task<string?> RegisterAsync(UdpPeer phone, int edgePort)
    {
        var callId = Guid.NewGuid().ToString("N");
        var uri = $"sip:127.0.0.1:{edgePort}";
        string Register(int cseq, string authorization) =>
            $"REGISTER {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch={RawSip.Branch()};rport\r\nMax-Forwards: 70\r\n"
            + $"From: <sip:{Extension}@127.0.0.1>;tag=nat1\r\nTo: <sip:{Extension}@127.0.0.1>\r\nCall-ID: {callId}\r\n"
            + $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} REGISTER\r\nContact: <sip:{Extension}@10.0.0.9:5060>\r\nExpires: 120\r\n"
            + authorization + "Content-Length: 0\r\n\r\n";
        var seen = phone.Received.Count;
        await phone.SendAsync(Register(1, ""), edgePort);
        var challenge = await phone.WaitForResponseAsync(401, "REGISTER", TimeSpan.FromSeconds(3), seen);
        Assert.That(challenge, Is.Not.Null, "the 401 reached the phone's real source port");
        Assert.That(DigestClient.TryAnswer(SipText.Header(challenge!, "WWW-Authenticate")!, "REGISTER", uri, Extension, Password, 1, out var answer), Is.True);
        seen = phone.Received.Count;
        await phone.SendAsync(Register(2, $"Authorization: {answer}\r\n"), edgePort);
        return await phone.WaitForAsync(m => m.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && !m.StartsWith("SIP/2.0 1", StringComparison.Ordinal)
            && SipText.Header(m, "CSeq") == "2 REGISTER", TimeSpan.FromSeconds(3), seen);
    }

    /// <summary>The keepalives the phone received, one per ping (retransmissions share their Call-ID).</summary>
    private static List<string> Pings(UdpPeer phone) =>
        [.. phone.Received.Where(m => m.StartsWith("OPTIONS ", StringComparison.Ordinal)).DistinctBy(m => SipText.Header(m, "Call-ID"))];

    private static async Task<int> BindingsAsync(HttpClient admin) =>
        (await (await admin.GetAsync(new Uri($"/api/registrations?extension={Extension}", UriKind.Relative))).JsonAsync()).GetArrayLength();
}
