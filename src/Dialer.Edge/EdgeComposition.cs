using System.Security.Cryptography;
using Dialer.Edge.Calls;
using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Edge.Location;
using Dialer.Edge.Registrar;
using Dialer.Edge.Trunks;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Auth;
using Dialer.Sip.Diagnostics;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge;

/// <summary>What the edge's request path is built from: its settings, a sender, its bound addresses and the state it shares.</summary>
public sealed record EdgeParts(
    EdgeSettings Settings,
    ISipSender Sender,
    IReadOnlyList<SipListenAddress> Bound,
    PeerSnapshotSource Peers,
    LocationService Location,
    ChannelLedger Ledger,
    DialogTable Dialogs,
    TrunkStatusBoard Board,
    TimeProvider Time,
    ILoggerFactory Loggers)
{
    /// <summary>Where the SIP stack counts retransmissions; null counts nothing.</summary>
    public SipMetrics? SipMetrics { get; init; }

    /// <summary>Where the edge records call setup times; null records nothing.</summary>
    public EdgeMetrics? Metrics { get; init; }

    /// <summary>Where the certificate checks of TLS trunk servers are registered for the sender; null registers none.</summary>
    public Sip.Transport.Tls.TlsClientPolicies? TlsPeers { get; init; }

    /// <summary>This node's channel grants when it is one of several edges; null when it is alone.</summary>
    public ClusterLeases? Leases { get; init; }

    /// <summary>The other nodes' dialogs and listen addresses when it is one of several edges; null when it is alone.</summary>
    public ClusterDialogs? ClusterDialogs { get; init; }

    /// <summary>The other nodes' listen addresses (Routes naming them are ours to check); null when it is alone.</summary>
    public ClusterRoutes? ClusterRoutes { get; init; }
}

/// <summary>
/// Builds the request path once, in one place: transaction layer → <see cref="EdgeCore"/> → one handler per kind of
/// request, each given its collaborators. <see cref="EdgeService"/> uses it over real sockets; tests use it over a
/// recording sender and a manual clock, so the handlers are tested in memory.
/// </summary>
public static class EdgeComposition
{
    /// <summary>Refusals from one source are summed into one log line per this interval.</summary>
    public static readonly TimeSpan RefusalLogInterval = TimeSpan.FromSeconds(60);

    public static (TransactionLayer Layer, EdgeCore Core, NatKeepalive Keepalive) Compose(EdgeParts parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var (settings, sender, time, loggers) = (parts.Settings, parts.Sender, parts.Time, parts.Loggers);
        var addresses = new EdgeAddresses(settings, parts.Bound, parts.ClusterRoutes);
        var context = new TransactionContext(sender, time, SipTimers.Default)
        {
            ForceRport = settings.ForceRport,
            MaxServerTransactions = settings.MaxTransactions,
            Metrics = parts.SipMetrics,
        };
        var clients = new ClientTransactions(context);
        var forwarder = new Forwarder(addresses, settings.ForceRport);
        var digest = new DigestServer(new DigestNonces(RandomNumberGenerator.GetBytes(32), time, settings.Registrar.NonceLifetime), settings.Registrar.MaxTrackedNonces, time);
        var gate = new DigestGate(settings, parts.Peers, digest, new AuthLockout(settings.Lockout, time), loggers.CreateLogger<DigestGate>());
        var registrar = new PhoneRegistrar(settings, parts.Location, gate, addresses, time, loggers.CreateLogger<PhoneRegistrar>());
        var trunkCalls = new TrunkCalls(parts.Peers, parts.Ledger, clients, forwarder, parts.Dialogs, parts.Board,
            new TrunkResolver(new Dialer.Sip.Dns.DnsResolver(settings.Dns, time), parts.TlsPeers), time, loggers.CreateLogger<TrunkCalls>())
        {
            Metrics = parts.Metrics,
            Leases = parts.Leases,
        };
        var extensionCalls = new ExtensionCalls(settings, parts.Location, clients, forwarder, parts.Dialogs, time)
        {
            Handoff = parts.ClusterRoutes is { } routes ? new FlowHandoff(clients, forwarder, routes) : null,
        };
        parts.Dialogs.Changed += trunkCalls.Forget;
        parts.Dialogs.Changed += extensionCalls.Forget;
        var inDialog = new InDialogRelay(clients, forwarder, parts.Dialogs, sender);
        var handlers = new EdgeHandlers(registrar, trunkCalls, extensionCalls, inDialog, gate)
        {
            Elsewhere = parts.ClusterDialogs is { } cluster ? new ElsewhereRelay(cluster, inDialog) : null,
        };
        var core = new EdgeCore(handlers, new DialogGuard(addresses, parts.Dialogs, clustered: parts.ClusterDialogs is not null), parts.Dialogs, new CallerClassifier(settings, parts.Peers, parts.Location, parts.ClusterRoutes),
            new StatelessResponder(sender, settings.ForceRport), parts.Peers, addresses,
            new RefusalLog(time, loggers.CreateLogger<RefusalLog>(), RefusalLogInterval), loggers.CreateLogger<EdgeCore>());
        var hangup = new DialogHangup(clients, addresses, parts.Dialogs, loggers.CreateLogger<DialogHangup>());
        parts.Dialogs.TimedOut += hangup.Hangup;
        var keepalive = new NatKeepalive(parts.Location, clients, addresses, settings, time, loggers.CreateLogger<NatKeepalive>());
        return (new TransactionLayer(context, clients, core), core, keepalive);
    }
}
