using Dialer.Edge;
using Dialer.Edge.Trunks;
using Dialer.Health;
using Dialer.Host.Api;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Prometheus;

namespace Dialer.Host.Monitoring;

/// <summary>
/// The metric families /metrics had before prometheus-net (names, labels and types kept: dashboards and tests read
/// them), filled from the edge's ledger, the status board and the health recorder just before each scrape. A series
/// whose trunk or server left the snapshot is removed.
/// </summary>
internal sealed class EdgeMetricFamilies
{
    private readonly Lock _gate = new();
    private readonly EdgeService _edge;
    private readonly PeerSnapshotSource _peers;
    private readonly TrunkStatusBoard _board;
    private readonly HealthRecorder _health;
    private readonly Gauge _inUse;
    private readonly Gauge _cap;
    private readonly Gauge _peak;
    private readonly Counter _admitted;
    private readonly Counter _rejected;
    private readonly Gauge _registrations;
    private readonly Counter _malformed;
    private readonly Gauge _serverState;
    private readonly Gauge _serverRtt;
    private readonly Counter _healthWriteFailures;
    private readonly Gauge _healthPending;
    private readonly Counter _healthDropped;

    public EdgeMetricFamilies(CollectorRegistry registry, EdgeService edge, PeerSnapshotSource peers, TrunkStatusBoard board, HealthRecorder health)
    {
        ArgumentNullException.ThrowIfNull(registry);
        (_edge, _peers, _board, _health) = (edge, peers, board, health);
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _inUse = factory.CreateGauge("dialer_trunk_channels_in_use", "Channels in use on the trunk.", "trunk");
        _cap = factory.CreateGauge("dialer_trunk_channel_cap", "The trunk's channel cap.", "trunk");
        _peak = factory.CreateGauge("dialer_trunk_channels_peak", "Most channels in use at once since start.", "trunk");
        _admitted = factory.CreateCounter("dialer_trunk_calls_admitted_total", "Calls admitted onto the trunk.", "trunk");
        _rejected = factory.CreateCounter("dialer_trunk_calls_rejected_total", "Calls refused by admission, by cause.", "trunk", "cause");
        _registrations = factory.CreateGauge("dialer_registrations", "Live phone bindings.");
        _malformed = factory.CreateCounter("dialer_sip_malformed_total", "SIP messages refused as malformed.");
        _serverState = factory.CreateGauge("dialer_trunk_server_state", "Trunk server health state (1 = the server is in this state).", "trunk", "server", "state");
        _serverRtt = factory.CreateGauge("dialer_trunk_server_rtt_milliseconds", "Round trip of the last OPTIONS probe answered alive.", "trunk", "server");
        _healthWriteFailures = factory.CreateCounter("dialer_health_write_failures_total", "Health reports or state changes not stored (database down).");
        _healthPending = factory.CreateGauge("dialer_health_changes_pending", "Health state changes queued for MariaDB, not yet stored (bounded).");
        _healthDropped = factory.CreateCounter("dialer_health_changes_dropped_total", "Health state changes never stored: queue full, refused, or unstored at stop.");
        registry.AddBeforeCollectCallback(Update);
    }

    private void Update()
    {
        lock (_gate)
        {
            var snapshot = _peers.Current;
            var rows = ChannelsApi.Rows(_edge, snapshot);
            var trunks = new HashSet<string>(rows.Select(r => r.Trunk), StringComparer.Ordinal);
            foreach (var row in rows)
            {
                _inUse.WithLabels(row.Trunk).Set(row.InUse);
                _cap.WithLabels(row.Trunk).Set(row.Cap);
                _peak.WithLabels(row.Trunk).Set(row.Peak);
                _admitted.WithLabels(row.Trunk).IncTo(row.Admitted);
                foreach (var cause in Enum.GetValues<RejectCause>())
                {
                    _rejected.WithLabels(row.Trunk, cause.ToString().ToLowerInvariant()).IncTo(row.Rejected[(int)cause]);
                }
            }
            foreach (var family in new Collector[] { _inUse, _cap, _peak, _admitted, _rejected })
            {
                Prune(family, labels => trunks.Contains(labels[0]));
            }
            _registrations.Set(_edge.Location.All().Count);
            _malformed.IncTo(_edge.MalformedCount);
            _healthWriteFailures.IncTo(_health.Failures);
            _healthPending.Set(_health.Changes.Depth);
            _healthDropped.IncTo(_health.Changes.Dropped);
            UpdateServers(snapshot);
        }
    }

    /// <summary>Each trunk server's health state (1 for the current state, 0 for the others) and last probe RTT.</summary>
    private void UpdateServers(PeerSnapshot snapshot)
    {
        var servers = snapshot.Trunks.Values.SelectMany(t => t.Servers.Select(s => TrunkServerKey.For(t, s))).ToList();
        var live = new HashSet<(string, string)>();
        var withRtt = new HashSet<(string, string)>();
        foreach (var key in servers)
        {
            var status = _board.StatusOf(key);
            live.Add((key.Trunk, key.Server));
            foreach (var candidate in Enum.GetValues<ServerHealthState>())
            {
                _serverState.WithLabels(key.Trunk, key.Server, ServerHealthStates.Of(candidate)).Set(candidate == status.State ? 1 : 0);
            }
            if (status.RttMs is { } rtt)
            {
                withRtt.Add((key.Trunk, key.Server));
                _serverRtt.WithLabels(key.Trunk, key.Server).Set(Math.Round(rtt, 3));
            }
        }
        Prune(_serverState, labels => live.Contains((labels[0], labels[1])));
        Prune(_serverRtt, labels => withRtt.Contains((labels[0], labels[1])));
    }

    private static void Prune(Collector family, Func<string[], bool> keep)
    {
        switch (family)
        {
            case Gauge gauge:
                foreach (var labels in gauge.GetAllLabelValues().Where(l => !keep(l)).ToList())
                {
                    gauge.RemoveLabelled(labels);
                }
                break;
            case Counter counter:
                foreach (var labels in counter.GetAllLabelValues().Where(l => !keep(l)).ToList())
                {
                    counter.RemoveLabelled(labels);
                }
                break;
        }
    }
}
