using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Host.Configuration;
using Dialer.Sip.Hep;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Dialer:Sip:Hep: `dialer serve` mirrors the edge's SIP, in and out, to a HEPv3 collector on loopback.</summary>
public sealed class EdgeHepTests
{
    [Test]
    public async Task Options_RequestAndResponse_AreMirroredToTheCollector()
    {
        await using var collector = new HepReceiver();
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Sip:Hep:Address"] = collector.Address,
            ["Dialer:Sip:Hep:CaptureId"] = "4242",
            ["Dialer:Sip:Hep:Password"] = "homer-pw",
        });
        var edge = new IPEndPoint(IPAddress.Loopback, server.SipPort());
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)client.LocalEndPoint!;
        var callId = "hep-" + Guid.NewGuid().ToString("N");
        var options = $"OPTIONS sip:{edge} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch={RawSip.Branch()};rport\r\nMax-Forwards: 70\r\n" +
            $"From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:{edge}>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        await client.SendToAsync(Encoding.ASCII.GetBytes(options), edge);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var answer = Encoding.ASCII.GetString(buffer, 0, await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        Assert.That(answer, Does.StartWith("SIP/2.0 200"));

        var packets = await collector.WaitAsync(p => p.Count(h => h.CorrelationId == callId) >= 2);
        var ours = packets.Where(p => p.CorrelationId == callId).ToList();
        var request = ours.Single(p => p.Payload.StartsWith("OPTIONS ", StringComparison.Ordinal));
        var response = ours.Single(p => p.Payload.StartsWith("SIP/2.0 200", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(request.Protocol, Is.EqualTo(17), "UDP");
            Assert.That(request.Source, Is.EqualTo(local), "in: from the client");
            Assert.That(request.Destination, Is.EqualTo(edge), "in: to the edge's socket");
            Assert.That(response.Source, Is.EqualTo(edge), "out: from the edge's socket");
            Assert.That(response.Destination, Is.EqualTo(local), "out: to the client");
            Assert.That(request.Payload, Is.EqualTo(options), "the request exactly as received");
            Assert.That(response.Payload, Is.EqualTo(answer), "the response exactly as sent");
            Assert.That(response.CaptureId, Is.EqualTo(4242));
            Assert.That(response.AuthKey, Is.EqualTo("homer-pw"));
            Assert.That(response.ProtocolType, Is.EqualTo(1), "SIP");
            Assert.That(collector.Errors, Is.Empty);
        });
        Assert.That(server.Services<HepMirror>().Dropped, Is.Zero);
        using var http = server.Client();
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.That(metrics, Does.Match(@"dialer_sip_hep_packets_sent_total(\{[^}]*\})? [1-9]"), "the mirror's counters are on /metrics");
        Assert.That(metrics, Does.Contain("dialer_sip_hep_packets_dropped_total{reason=\"queue_full\"}"));
    }

    [Test]
    public async Task NoAddress_NoMirror()
    {
        await using var server = await ApiServer.StartAsync();
        Assert.That(() => server.Services<HepMirror>(), Throws.InvalidOperationException, "off by default: no mirror, no tap");
    }

    [TestCase("127.0.0.1", "Dialer:Sip:Hep:Address")]
    [TestCase("homer:9060|-1", "Dialer:Sip:Hep:CaptureId")]
    [TestCase("homer:9060|1|0", "Dialer:Sip:Hep:QueueSize")]
    public void BadSettings_AreReportedByKey(string settings, string key)
    {
        var parts = settings.Split('|');
        var hep = new HepOptions { Address = parts[0] };
        if (parts.Length > 1)
        {
            hep.CaptureId = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        if (parts.Length > 2)
        {
            hep.QueueSize = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        var failures = new List<string>();
        Assert.That(Hosting.HepSettingsFactory.From(hep, failures), Is.Null);
        Assert.That(failures, Has.Exactly(1).StartsWith(key));
    }
}
