using System.Diagnostics.Metrics;
using Dialer.Edge;
using Dialer.Health;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Diagnostics;
using Prometheus;

namespace Dialer.Host.Monitoring;

/// <summary>
/// What GET /metrics exports, in a registry of this process's own (not prometheus-net's static default, so two
/// hosts in one test process never share a series): the edge's families (<see cref="EdgeMetricFamilies"/>), the
/// Dialer.Sip, Dialer.Edge and Dialer.Health meters of this host's <see cref="IMeterFactory"/> through prometheus-net's
/// meter adapter, the runtime's System.Runtime meter (GC, thread pool), and prometheus-net's process figures.
/// </summary>
public sealed class DialerMetrics : IDisposable
{
    /// <summary>.NET's built-in runtime meter (GC, thread pool, JIT, exceptions).</summary>
    public const string RuntimeMeter = "System.Runtime";

    private static readonly double[] s_setupBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60, 90, 120];
    private static readonly double[] s_rttBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly IDisposable _adapter;

    public DialerMetrics(IMeterFactory meters, EdgeService edge, PeerSnapshotSource peers, TrunkStatusBoard board, HealthRecorder health)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        _ = new EdgeMetricFamilies(Registry, edge, peers, board, health);
        var sip = new SipMetricFamilies(Registry, edge.SipMetrics);
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            // MetricFactory defaults to prometheus-net's static default factory, which would ignore Registry.
            MetricFactory = Prometheus.Metrics.WithCustomRegistry(Registry),
            // The SIP message counts are exported as counters from their slots (SipMetricFamilies); the adapter would type them gauges.
            InstrumentFilterPredicate = instrument => (ReferenceEquals(instrument.Meter.Scope, meters) && !sip.Exports(instrument))
                || instrument.Meter.Name == RuntimeMeter,
            // A series the meters stopped updating is dropped after this long; a day keeps quiet trunks on the dashboard.
            MetricsExpireAfter = TimeSpan.FromDays(1),
            ResolveHistogramBuckets = instrument => instrument.Meter.Name switch
            {
                EdgeMetrics.MeterName => s_setupBuckets,
                HealthMetrics.MeterName => s_rttBuckets,
                _ => s_rttBuckets,
            },
        });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>The meters whose instruments this host exports (besides <see cref="RuntimeMeter"/>).</summary>
    public static IReadOnlyList<string> Meters { get; } = [SipMetrics.MeterName, EdgeMetrics.MeterName, HealthMetrics.MeterName];

    public void Dispose() => _adapter.Dispose();
}
