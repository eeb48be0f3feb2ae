namespace Dialer.Sip.Transport;

public sealed record SipTransportOptions
{
    /// <summary>Concurrent receive loops per UDP socket: parsing runs on them, so more than one keeps cores busy.</summary>
    public int UdpReceiveLoops { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>How long an outbound TCP connect may take before the send counts as a transport error.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A TCP connection with no traffic for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
