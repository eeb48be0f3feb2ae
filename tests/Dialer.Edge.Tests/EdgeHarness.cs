using System.Net;
using System.Text;
using Dialer.Edge.Dialogs;
using Dialer.Edge.Location;
using Dialer.Edge.Trunks;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Edge.Tests;

/// <summary>
/// The edge's whole request path in memory (<see cref="EdgeComposition"/>): no sockets, a recording sender and a manual
/// clock. The edge is 192.0.2.1:5060; dialers are 192.0.2.0/28; anything else is a stranger unless a trunk's ACL or a
/// binding says otherwise.
/// </summary>
internal sealed class EdgeHarness : IDisposable
{
    public static readonly SipEndpoint Edge = Udp("192.0.2.1", 5060);

    public EdgeHarness(params Trunk[] trunks)
        : this(new Dialer.Sip.Dns.DnsSettings(), trunks)
    {
    }

    /// <param name="dns">Where trunk servers' names are looked up (a <see cref="FakeDnsServer"/>).</param>
    /// <param name="trunks">The trunks of the snapshot.</param>
    public EdgeHarness(Dialer.Sip.Dns.DnsSettings dns, params Trunk[] trunks)
        : this(dns, null, [], trunks)
    {
    }

    /// <param name="dns">Where trunk servers' names are looked up.</param>
    /// <param name="cluster">Clustered as node "b" with these other nodes; null alone.</param>
    /// <param name="phones">The phones of the snapshot.</param>
    /// <param name="trunks">The trunks of the snapshot.</param>
    public EdgeHarness(Dialer.Sip.Dns.DnsSettings dns, Dialer.Edge.Core.ClusterRoutes? cluster, IReadOnlyList<Phone> phones, params Trunk[] trunks)
    {
        Settings = new EdgeSettings
        {
            Listen = [new SipListenAddress(SipProtocol.Udp, Edge.Address)],
            Realm = "test.example",
            DialerAcl = [Cidr.Parse("192.0.2.0/28")],
            Dns = dns,
            Cluster = cluster is null ? new ClusterSettings() : new ClusterSettings { Enabled = true, NodeId = "b" },
        };
        Peers.Publish(new PeerSnapshot(1, phones, trunks, []));
        Location = new LocationService(Clock, null);
        Ledger = new ChannelLedger(Clock);
        Dialogs = new DialogTable(new DialogToken(TestKeys.NewKey()), Clock, Settings.MaxCallDuration, Settings.MaxDialogs);
        (Layer, _, Keepalive) = EdgeComposition.Compose(new EdgeParts(Settings, Sender, Settings.Listen, Peers, Location, Ledger, Dialogs, new TrunkStatusBoard(), Clock,
            NullLoggerFactory.Instance) { ClusterRoutes = cluster });
    }

    public EdgeSettings Settings { get; }
    public ManualTimeProvider Clock { get; } = new();
    public RecordingSender Sender { get; } = new();
    public PeerSnapshotSource Peers { get; } = new();
    public LocationService Location { get; }
    public ChannelLedger Ledger { get; }
    public DialogTable Dialogs { get; }
    public TransactionLayer Layer { get; }
    public Dialer.Edge.Location.NatKeepalive Keepalive { get; }

    public static SipEndpoint Udp(string ip, int port) => new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse(ip), port));

    /// <summary>Delivers one message as the transport would, from <paramref name="source"/>, and lets the async handlers run.</summary>
    public async Task ReceiveAsync(string text, SipEndpoint source)
    {
        var message = new SipMessage();
        var status = SipParser.Parse(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")), SipFraming.Datagram, message, out _);
        if (status != ParseStatus.Complete)
        {
            throw new ArgumentException($"not a complete message: {status}", nameof(text));
        }
        if (message.IsRequest)
        {
            Layer.ReceiveRequest(message, source);
        }
        else
        {
            Layer.ReceiveResponse(message, source);
        }
        await Task.Delay(20);
    }

    /// <summary>What was sent to <paramref name="to"/>, in order.</summary>
    public IReadOnlyList<string> SentTo(SipEndpoint to) => [.. Sender.Sent.Where(s => s.To.Address.Equals(to.Address)).Select(s => s.Text)];

    public void Dispose() => Location.Dispose();
}
