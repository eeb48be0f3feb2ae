using System.Net;

namespace Dialer.Sip.Dns;

/// <summary>How the stub resolver asks (Dialer:Sip:Dns): which name servers, how long, how often, how big an EDNS answer.</summary>
public sealed record DnsSettings
{
    /// <summary>The payload size advertised by default: the DNS Flag Day 2020 value, which avoids IP fragmentation.</summary>
    public const int DefaultEdnsPayloadSize = 1232;

    /// <summary>Name servers asked in turn; empty means those of /etc/resolv.conf.</summary>
    public IReadOnlyList<IPEndPoint> Servers { get; init; } = [];

    /// <summary>How long one query to one name server may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Queries per name server before the next one is asked (transient failures only).</summary>
    public int Attempts { get; init; } = 2;

    /// <summary>
    /// The UDP payload size advertised in an EDNS OPT record (RFC 6891 §6.2.5); 512 or less sends no OPT record.
    /// A truncated UDP answer is asked again over TCP either way (RFC 7766 §5).
    /// </summary>
    public int EdnsPayloadSize { get; init; } = DefaultEdnsPayloadSize;
}
