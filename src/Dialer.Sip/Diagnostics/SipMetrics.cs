using System.Diagnostics.Metrics;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Diagnostics;

/// <summary>
/// The SIP stack's counters as System.Diagnostics.Metrics instruments on one <see cref="Meter"/> named
/// <see cref="MeterName"/>. The stack knows nothing of exporters: the host listens to the meter (docs/operations.md,
/// "Metrics"). Every message is counted, so a count is one interlocked add to a slot of its label value, and the
/// instruments are observable: a listener reads the slots when it collects (a scrape), not once per message (through
/// an exporter's adapter that was a few microseconds and an array rented per count, the largest cost of a datagram).
/// An exporter that must type them as counters reads <see cref="Families"/> instead.
/// </summary>
public sealed class SipMetrics : IDisposable
{
    public const string MeterName = "Dialer.Sip";

    private static readonly string[] s_classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "6xx"];
    private static readonly string[] s_faults = [.. Enum.GetValues<ParseFault>().Select(f => f.ToString().ToLowerInvariant()), "other", "internal"];
    private static readonly string[] s_methods = [.. Enum.GetValues<SipMethod>().Select(m => m == SipMethod.Extension ? "other" : SipMethods.NameOf(m))];
    private static readonly string[] s_directions = ["sent", "received"];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly long[] _requests = new long[s_methods.Length];
    private readonly long[] _responses = new long[s_classes.Length];
    private readonly long[] _retransmissions = new long[s_directions.Length];
    private readonly long[] _parseFailures = new long[s_faults.Length];

    /// <summary>Instruments on a meter from <paramref name="meters"/> (the host's, so each host exports its own), or on a private meter.</summary>
    public SipMetrics(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        Families =
        [
            new("requests.received.total", "SIP requests received, by method (retransmissions included).", "method", s_methods, _requests),
            new("responses.sent.total", "SIP responses sent, by status class (retransmissions included).", "class", s_classes, _responses),
            new("retransmissions.total",
                "Retransmissions: sent (RFC 3261 §17 timers A, E, G and answers to a repeated request) and received (absorbed by a server transaction).",
                "direction", s_directions, _retransmissions),
            new("parse.failures.total", "SIP messages refused as malformed, by reason.", "reason", s_faults, _parseFailures),
        ];
        foreach (var family in Families)
        {
            _meter.CreateObservableCounter(family.Name, family.Measure, description: family.Description);
        }
    }

    /// <summary>The counts, family by family (the instruments' names on <see cref="MeterName"/>).</summary>
    public IReadOnlyList<CountFamily> Families { get; }

    /// <summary>A well-formed request arrived.</summary>
    public void RequestReceived(SipMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Extension methods are one label value, so a peer cannot grow the series without bound.
        Interlocked.Increment(ref _requests[(int)request.Method < _requests.Length ? (int)request.Method : 0]);
    }

    /// <summary>Bytes went out: counted when they are a response ("SIP/2.0 NNN ...").</summary>
    public void Sent(ReadOnlySpan<byte> message)
    {
        if (message.Length > 12 && message.StartsWith("SIP/2.0 "u8) && message[8] is >= (byte)'1' and <= (byte)'6')
        {
            Interlocked.Increment(ref _responses[message[8] - '1']);
        }
    }

    public void RetransmissionSent() => Interlocked.Increment(ref _retransmissions[0]);

    public void RetransmissionReceived() => Interlocked.Increment(ref _retransmissions[1]);

    public void ParseFailed(ParseFault fault) =>
        Interlocked.Increment(ref _parseFailures[(int)fault >= 0 && (int)fault < s_faults.Length - 2 ? (int)fault : s_faults.Length - 2]);

    /// <summary>A failure outside the parser (a bug in a handler): the message was lost.</summary>
    public void ProcessingFailed() => Interlocked.Increment(ref _parseFailures[^1]);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}

/// <summary>One counter family: its instrument name, help, label and a count per label value.</summary>
public sealed class CountFamily(string name, string description, string label, string[] values, long[] slots)
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public string Label { get; } = label;

    /// <summary>Each label value counted at least once, with its count so far.</summary>
    public IEnumerable<(string Value, long Count)> Counts()
    {
        for (var i = 0; i < values.Length; i++)
        {
            var count = Volatile.Read(ref slots[i]);
            if (count > 0)
            {
                yield return (values[i], count);
            }
        }
    }

    internal IEnumerable<Measurement<long>> Measure() =>
        Counts().Select(c => new Measurement<long>(c.Count, new KeyValuePair<string, object?>(Label, c.Value)));
}
