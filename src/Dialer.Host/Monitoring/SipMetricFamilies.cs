using System.Diagnostics.Metrics;
using Dialer.Sip.Diagnostics;
using Prometheus;

namespace Dialer.Host.Monitoring;

/// <summary>
/// The SIP stack's message counts (<see cref="SipMetrics.Families"/>) as Prometheus counters, named as the meter adapter
/// names instruments (dialer_sip_requests_received_total{method}), brought up to the counts just before each scrape.
/// They are counted in slots and observed at collection, not once per message, and the adapter would type an observable
/// counter as a gauge.
/// </summary>
internal sealed class SipMetricFamilies
{
    private readonly SipMetrics _metrics;
    private readonly Dictionary<string, Counter> _counters = [];

    public SipMetricFamilies(CollectorRegistry registry, SipMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _metrics = metrics;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        foreach (var family in metrics.Families)
        {
            _counters[family.Name] = factory.CreateCounter("dialer_sip_" + family.Name.Replace('.', '_'), family.Description, family.Label);
        }
        registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>Whether <paramref name="instrument"/> is one of the families exported here.</summary>
    public bool Exports(Instrument instrument) => instrument.Meter.Name == SipMetrics.MeterName && _counters.ContainsKey(instrument.Name);

    private void Update()
    {
        foreach (var family in _metrics.Families)
        {
            var counter = _counters[family.Name];
            foreach (var (value, count) in family.Counts())
            {
                counter.WithLabels(value).IncTo(count);
            }
        }
    }
}
