using System.Diagnostics.Metrics;

namespace Dialer.Health;

/// <summary>
/// Health's instruments on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics; the host exports them):
/// the round trip of every OPTIONS probe that got a final answer, per trunk.
/// </summary>
public sealed class HealthMetrics : IDisposable
{
    public const string MeterName = "Dialer.Health";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _rtt;

    public HealthMetrics(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _rtt = _meter.CreateHistogram<double>("probe.rtt.seconds", unit: "s",
            description: "Round trip of OPTIONS probes answered with a final response, per trunk (alive or not).");
    }

    /// <summary>Records the probe's RTT when it was answered; timeouts and transport errors have none.</summary>
    public void Probed(string trunk, ProbeOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.RttMs is { } rtt)
        {
            _rtt.Record(rtt / 1000.0, new KeyValuePair<string, object?>("trunk", trunk));
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
