namespace Dialer.Peers.Validation;

/// <summary>Values the validator fills in when an admin leaves a field out.</summary>
/// <param name="Realm">Digest realm for phones (RFC 3261 §22.1); usually the edge's SIP domain.</param>
public sealed record PeerDefaults(string Realm)
{
    public static readonly PeerDefaults Standard = new("dialer");
}
