using Dialer.Sip.Transport.Tls;

namespace Dialer.Sip.Transport;

public sealed record SipTransportOptions
{
    /// <summary>Concurrent receive loops per UDP socket: parsing runs on them, so more than one keeps cores busy.</summary>
    public int UdpReceiveLoops { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>How long an outbound TCP connect may take before the send counts as a transport error.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A TCP connection with no traffic either way for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A message left half-sent by the peer for this long closes the connection (RFC 4475 clerr over TCP: wait, then close).</summary>
    public TimeSpan PartialMessageTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>One send that the peer does not take within this long closes the connection.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes waiting to be sent on one connection at most; a peer that never reads is dropped past it.</summary>
    public int MaxQueuedBytes { get; init; } = 1 << 20;

    /// <summary>TCP connections at most, in and out together; an inbound one beyond it is closed at once.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Inbound TCP connections from one address at most.</summary>
    public int MaxConnectionsPerSource { get; init; } = 1_000;

    /// <summary>Sees every message received and sent, on any transport (the HEP mirror); null costs nothing.</summary>
    public ISipTap? Tap { get; init; }

    /// <summary>TLS: certificates of tls: listeners, checks of servers connected to, handshake timeout. TLS connections count
    /// against the same connection limits and timeouts as TCP ones.</summary>
    public SipTlsOptions Tls { get; init; } = new();

    /// <summary>The clock of the TCP timeouts (a manual one in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
