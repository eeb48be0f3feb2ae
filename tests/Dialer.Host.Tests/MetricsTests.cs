using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// GET /metrics through prometheus-net after one call through a raw UDP carrier (which also answers the OPTIONS
/// probes): the families that were there before keep their names and labels, the new SIP, edge and health series
/// exist, every metric etc/grafana/dialer-dashboard.json queries is in the scrape, and a flood shows on it.
/// </summary>
public sealed partial class MetricsTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(5);
    private ApiServer _server = null!;
    private HttpClient _admin = null!;
    private UdpPeer _carrier = null!;
    private string _scrape = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Edge:DialerAcl:0"] = "127.0.0.1/32",
            ["Dialer:Health:Enabled"] = "true",
            // Low, so that a flood of a few dozen datagrams is one (the dialer and carrier on 127.0.0.1 are never limited).
            ["Dialer:Edge:Flood:MaxRequests"] = "20",
        });
        _admin = _server.Client();
        _carrier = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, _carrier!.HostPort));
        var created = await _admin.PostJsonAsync("/api/trunks", $$"""
            {"name":"metered","channelCap":5,"dialPrefix":"77","servers":[{"host":"127.0.0.1","port":{{_carrier.Local.Port}}}],
             "probe":{"intervalSeconds":1,"timeoutMs":900,"failThreshold":2,"recoverThreshold":1,"lagMs":1000,"aliveCodes":"200-499"} }
            """);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await _server.WaitForPeersAsync();
        await PlaceOneCallAsync();
        await SendMalformedAsync();
        // The probe job runs every second once Quartz has picked the trunk up.
        _scrape = await Eventually.ReadAsync(ScrapeAsync, s => s.Contains("dialer_health_probe_rtt_seconds_count{trunk=\"metered\"}", StringComparison.Ordinal)
            && s.Contains("dialer_edge_call_setup_seconds_count", StringComparison.Ordinal)
            && s.Contains("dialer_trunk_server_rtt_milliseconds", StringComparison.Ordinal)
            && s.Contains("state=\"up\"} 1", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _carrier.Dispose();
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public void Scrape_HasEveryMetricTheDashboardQueries()
    {
        var names = DashboardMetricNames();
        Assert.That(names, Has.Count.GreaterThanOrEqualTo(15), "the dashboard's PromQL names metrics");
        var exported = ExportedNames(_scrape);
        Assert.That(names.Where(n => !exported.Contains(n)), Is.Empty, "metrics the dashboard queries but /metrics lacks");
    }

    [Test]
    public void ScrapeConfigExample_ScrapesMetricsPath()
    {
        var yaml = File.ReadAllText(Path.Combine(RepoRoot(), "etc", "prometheus", "dialer-scrape.yml"));
        Assert.That(yaml, Does.Contain("metrics_path: /metrics"));
        Assert.That(yaml, Does.Contain("job_name: dialer"));
    }

    [Test]
    public void ExistingFamilies_KeepTheirNamesLabelsAndTypes()
    {
        Assert.That(_scrape, Does.Contain("# TYPE dialer_trunk_calls_admitted_total counter"));
        Assert.That(_scrape, Does.Contain("# TYPE dialer_trunk_channels_in_use gauge"));
        Assert.That(_scrape, Does.Contain("dialer_trunk_channels_in_use{trunk=\"metered\"} 0\n"), "the call is over");
        Assert.That(_scrape, Does.Contain("dialer_trunk_channel_cap{trunk=\"metered\"} 5\n"));
        Assert.That(_scrape, Does.Contain("dialer_trunk_channels_peak{trunk=\"metered\"} 1\n"));
        Assert.That(_scrape, Does.Contain("dialer_trunk_calls_admitted_total{trunk=\"metered\"} 1\n"));
        Assert.That(_scrape, Does.Contain("dialer_trunk_calls_rejected_total{trunk=\"metered\",cause=\"channelcap\"} 0\n"));
        Assert.That(_scrape, Does.Contain("dialer_registrations 0\n"));
        Assert.That(_scrape, Does.Match("dialer_sip_malformed_total [1-9]"));
        Assert.That(_scrape, Does.Contain($"dialer_trunk_server_state{{trunk=\"metered\",server=\"127.0.0.1:{_carrier.Local.Port}\",state=\"up\"}} 1\n"));
        Assert.That(_scrape, Does.Contain($"dialer_trunk_server_rtt_milliseconds{{trunk=\"metered\",server=\"127.0.0.1:{_carrier.Local.Port}\"}} "));
        Assert.That(_scrape, Does.Contain("dialer_health_write_failures_total 0\n"));
    }

    [Test]
    public void NewSeries_CountTheCall()
    {
        Assert.That(Value("dialer_sip_requests_received_total{method=\"INVITE\"}"), Is.GreaterThanOrEqualTo(1));
        // Counted in slots and read at the scrape (observable instruments), still exported as counters.
        Assert.That(_scrape, Does.Contain("# TYPE dialer_sip_requests_received_total counter"));
        Assert.That(_scrape, Does.Contain("# TYPE dialer_sip_responses_sent_total counter"));
        Assert.That(Value("dialer_sip_requests_received_total{method=\"BYE\"}"), Is.GreaterThanOrEqualTo(1));
        Assert.That(Value("dialer_sip_responses_sent_total{class=\"2xx\"}"), Is.GreaterThanOrEqualTo(2), "200 to the INVITE and to the BYE");
        Assert.That(Value("dialer_sip_responses_sent_total{class=\"1xx\"}"), Is.GreaterThanOrEqualTo(1), "100 Trying");
        Assert.That(Value("dialer_sip_responses_sent_total{class=\"4xx\"}"), Is.GreaterThanOrEqualTo(1), "400 to the malformed request");
        Assert.That(Value("dialer_sip_parse_failures_total{reason=\"missingheader\"}"), Is.GreaterThanOrEqualTo(1));
        Assert.That(Value("dialer_edge_call_setup_seconds_count{result=\"answered\",trunk=\"metered\"}"), Is.EqualTo(1));
        Assert.That(Value("dialer_edge_dialogs"), Is.Zero);
        Assert.That(Value("dialer_sip_retransmissions_total{direction=\"received\"}"), Is.GreaterThanOrEqualTo(1), "the repeated BYE");
        Assert.That(Value("dialer_sip_retransmissions_total{direction=\"sent\"}"), Is.GreaterThanOrEqualTo(1), "its 200 again");
        Assert.That(_scrape, Does.Contain("dialer_edge_transactions{kind=\"server\"}"));
        Assert.That(_scrape, Does.Contain("dialer_edge_transactions{kind=\"client\"}"));
        Assert.That(_scrape, Does.Contain("dialer_edge_writebehind_depth{queue=\"call_log\"}"));
        Assert.That(_scrape, Does.Contain("dialer_edge_writebehind_dropped_total{queue=\"dialogs\"} 0"));
        Assert.That(Value("dialer_health_probe_rtt_seconds_count{trunk=\"metered\"}"), Is.GreaterThanOrEqualTo(1));
        Assert.That(_scrape, Does.Contain("process_cpu_seconds_total"), "prometheus-net's process metrics");
        Assert.That(_scrape, Does.Contain("dotnet_collection_count_total"), "prometheus-net's GC metrics");
    }

    [Test]
    public async Task FloodFromAStranger_IsCountedInTheFloodSeries()
    {
        Assert.That(Value("dialer_edge_flood_blocks_total"), Is.Zero, "no flood before");
        Assert.That(Value("dialer_edge_flood_dropped_total"), Is.Zero);
        using var flooder = new UdpPeer("127.0.0.2");
        var edge = _server.SipPort();
        for (var i = 0; i < 60; i++)
        {
            await flooder.SendAsync($"OPTIONS sip:127.0.0.1:{edge} SIP/2.0\r\nVia: SIP/2.0/UDP {flooder.HostPort};branch={RawSip.Branch()}\r\n" +
                $"Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.2>;tag={i}\r\nTo: <sip:127.0.0.1>\r\nCall-ID: flood-{i}\r\nCSeq: 1 OPTIONS\r\n" +
                "Content-Length: 0\r\n\r\n", edge);
        }
        var scrape = await Eventually.ReadAsync(ScrapeAsync, s => Value(s, "dialer_edge_flood_dropped_total") >= 30, s_wait);
        // The 21st message blocked the source for the 10 s cool-off: one block, the rest dropped unanswered.
        Assert.That(Value(scrape, "dialer_edge_flood_blocks_total"), Is.EqualTo(1));
        Assert.That(Value(scrape, "dialer_edge_flood_dropped_total"), Is.InRange(30, 40));
        Assert.That(scrape, Does.Contain("# TYPE dialer_edge_flood_blocks_total"));
    }

    private async Task PlaceOneCallAsync()
    {
        using var dialer = new UdpPeer("127.0.0.1", 0, m => RawSip.Answer(m, "127.0.0.1:1"));
        var edge = _server.SipPort();
        await dialer.SendAsync(RawSip.Invite(dialer, edge, "775550100", Guid.NewGuid().ToString("N"), "m1"), edge);
        var ok = await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal), s_wait);
        Assert.That(ok, Is.Not.Null, "the call is answered");
        await dialer.SendAsync(RawSip.InDialog("ACK", dialer, ok!, 1), edge);
        var seen = dialer.Received.Count;
        var bye = RawSip.InDialog("BYE", dialer, ok!, 2);
        await dialer.SendAsync(bye, edge);
        Assert.That(await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal) && m.Contains("BYE", StringComparison.Ordinal), s_wait, seen),
            Is.Not.Null, "the BYE is answered");
        // The same BYE again, as if the 200 were lost: absorbed by the server transaction, which answers it again.
        seen = dialer.Received.Count;
        await dialer.SendAsync(bye, edge);
        Assert.That(await dialer.WaitForAsync(m => m.StartsWith("SIP/2.0 200 ", StringComparison.Ordinal) && m.Contains("BYE", StringComparison.Ordinal), s_wait, seen),
            Is.Not.Null, "the retransmitted BYE is answered again");
        Assert.That(await Eventually.TrueAsync(() => Task.FromResult(_server.Edge.Dialogs.Count == 0), s_wait), "the dialog ended");
    }

    /// <summary>A request without Call-ID: 400 "Missing Call-ID", counted as a parse failure.</summary>
    private async Task SendMalformedAsync()
    {
        using var peer = new UdpPeer();
        var edge = _server.SipPort();
        await peer.SendAsync($"OPTIONS sip:127.0.0.1:{edge} SIP/2.0\r\nVia: SIP/2.0/UDP {peer.HostPort};branch={RawSip.Branch()}\r\nMax-Forwards: 70\r\n" +
            $"From: <sip:x@{peer.HostPort}>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", edge);
        Assert.That(await peer.WaitForAsync(m => m.StartsWith("SIP/2.0 400 ", StringComparison.Ordinal), s_wait), Is.Not.Null, "400 for the malformed request");
    }

    private async Task<string> ScrapeAsync()
    {
        using var client = _server.Client(token: null);
        return await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
    }

    private double Value(string series) => Value(_scrape, series);

    private static double Value(string scrape, string series)
    {
        var line = scrape.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.That(line, Is.Not.Null, $"{series} in the scrape");
        return double.Parse(line![(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Every metric name in the dashboard's PromQL (ours and prometheus-net's process/GC families).</summary>
    private static HashSet<string> DashboardMetricNames()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "etc", "grafana", "dialer-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!)
            .Append(dashboard.RootElement.GetProperty("templating").GetProperty("list")[0].GetProperty("query").GetString()!);
        return [.. expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value))];
    }

    /// <summary>Names of the samples in a scrape (a histogram's _bucket, _sum and _count each count).</summary>
    private static HashSet<string> ExportedNames(string scrape) =>
        [.. scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny(['{', ' '])])];

    private static string RepoRoot([CallerFilePath] string file = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));

    [GeneratedRegex(@"\b(?:dialer|process|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
