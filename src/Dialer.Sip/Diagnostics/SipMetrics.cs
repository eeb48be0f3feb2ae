using System.Diagnostics.Metrics;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Diagnostics;

/// <summary>
/// The SIP stack's counters as System.Diagnostics.Metrics instruments on one <see cref="Meter"/> named
/// <see cref="MeterName"/>. The stack knows nothing of exporters: the host listens to the meter (docs/operations.md,
/// "Metrics"). An element without a host listening pays one enabled-check per count.
/// </summary>
public sealed class SipMetrics : IDisposable
{
    public const string MeterName = "Dialer.Sip";

    private static readonly string[] s_classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "6xx"];
    private static readonly string[] s_faults = [.. Enum.GetValues<ParseFault>().Select(f => f.ToString().ToLowerInvariant())];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _retransmissions;
    private readonly Counter<long> _parseFailures;

    /// <summary>Instruments on a meter from <paramref name="meters"/> (the host's, so each host exports its own), or on a private meter.</summary>
    public SipMetrics(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("requests.received.total", description: "SIP requests received, by method (retransmissions included).");
        _responses = _meter.CreateCounter<long>("responses.sent.total", description: "SIP responses sent, by status class (retransmissions included).");
        _retransmissions = _meter.CreateCounter<long>("retransmissions.total",
            description: "Retransmissions: sent (RFC 3261 §17 timers A, E, G and answers to a repeated request) and received (absorbed by a server transaction).");
        _parseFailures = _meter.CreateCounter<long>("parse.failures.total", description: "SIP messages refused as malformed, by reason.");
    }

    /// <summary>A well-formed request arrived.</summary>
    public void RequestReceived(SipMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Extension methods are one label value, so a peer cannot grow the series without bound.
        var method = request.Method == SipMethod.Extension ? "other" : SipMethods.NameOf(request.Method);
        _requests.Add(1, new KeyValuePair<string, object?>("method", method));
    }

    /// <summary>Bytes went out: counted when they are a response ("SIP/2.0 NNN ...").</summary>
    public void Sent(ReadOnlySpan<byte> message)
    {
        if (message.Length > 12 && message.StartsWith("SIP/2.0 "u8) && message[8] is >= (byte)'1' and <= (byte)'6')
        {
            _responses.Add(1, new KeyValuePair<string, object?>("class", s_classes[message[8] - '1']));
        }
    }

    public void RetransmissionSent() => _retransmissions.Add(1, new KeyValuePair<string, object?>("direction", "sent"));

    public void RetransmissionReceived() => _retransmissions.Add(1, new KeyValuePair<string, object?>("direction", "received"));

    public void ParseFailed(ParseFault fault) =>
        _parseFailures.Add(1, new KeyValuePair<string, object?>("reason", (int)fault < s_faults.Length ? s_faults[(int)fault] : "other"));

    /// <summary>A failure outside the parser (a bug in a handler): the message was lost.</summary>
    public void ProcessingFailed() => _parseFailures.Add(1, new KeyValuePair<string, object?>("reason", "internal"));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
