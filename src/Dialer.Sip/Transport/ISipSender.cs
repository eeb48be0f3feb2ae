namespace Dialer.Sip.Transport;

/// <summary>Sends serialized messages; implemented by the UDP and TCP transports.</summary>
public interface ISipSender
{
    /// <returns>False on a transport error (unreachable, connection refused or reset).</returns>
    ValueTask<bool> SendAsync(SipEndpoint destination, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);
}
