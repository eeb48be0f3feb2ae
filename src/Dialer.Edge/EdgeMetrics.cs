using System.Diagnostics.Metrics;

namespace Dialer.Edge;

/// <summary>
/// The edge's instruments on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics; the host exports them):
/// INVITE→final setup time per trunk, and, read when a listener collects, live transactions, live dialogs, the
/// write-behind queues and the flood limiter's blocks and drops. The SIP stack's own counters are
/// <see cref="Sip.Diagnostics.SipMetrics"/>.
/// </summary>
public sealed class EdgeMetrics : IDisposable
{
    public const string MeterName = "Dialer.Edge";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _setup;

    public EdgeMetrics(IMeterFactory? meters, EdgeService edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _setup = _meter.CreateHistogram<double>("call.setup.seconds", unit: "s",
            description: "From the INVITE to the carrier's final response, per trunk; result is answered (2xx) or failed.");
        _meter.CreateObservableGauge("transactions", () => new[]
        {
            new Measurement<int>(edge.ServerTransactionCount, new KeyValuePair<string, object?>("kind", "server")),
            new Measurement<int>(edge.ClientTransactionCount, new KeyValuePair<string, object?>("kind", "client")),
        }, description: "Live SIP transactions (RFC 3261 §17), server and client.");
        _meter.CreateObservableGauge("dialogs", () => edge.Dialogs.Count, description: "Live dialogs (calls) through this edge.");
        _meter.CreateObservableGauge("writebehind.depth", () => edge.WriteBehind.Select(q =>
            new Measurement<long>(q.Depth, new KeyValuePair<string, object?>("queue", q.Queue))),
            description: "Changes queued for MariaDB and not yet stored, per write-behind queue.");
        _meter.CreateObservableCounter("writebehind.dropped.total", () => edge.WriteBehind.Select(q =>
            new Measurement<long>(q.Dropped, new KeyValuePair<string, object?>("queue", q.Queue))),
            description: "Changes never stored: refused by the database (logged), refused because the queue was full, or still queued when the writer stopped.");
        _meter.CreateObservableCounter("flood.blocks.total", () => edge.Flood.Blocks,
            description: "Sources the flood limiter (Edge:Flood) blocked, each for its cool-off; each block is also logged.");
        _meter.CreateObservableCounter("flood.dropped.total", () => edge.Flood.Dropped,
            description: "Messages dropped unanswered because their source was blocked by the flood limiter.");
    }

    /// <summary>The carrier's first final response to a trunk call's INVITE.</summary>
    public void CallSetup(string trunk, TimeSpan elapsed, int status) =>
        _setup.Record(Math.Max(0, elapsed.TotalSeconds),
            new KeyValuePair<string, object?>("trunk", trunk), new KeyValuePair<string, object?>("result", status < 300 ? "answered" : "failed"));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}

/// <summary>One write-behind queue's figures: its name on /metrics, depth and drops.</summary>
public readonly record struct WriteBehindFigures(string Queue, long Depth, long Dropped);
