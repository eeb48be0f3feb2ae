using System.Net;

namespace Dialer.Peers.Model;

/// <summary>
/// A registered contact of a phone (RFC 3261 §10): its Contact URI, where the REGISTER really came from
/// (protocol and source address, used when the contact is behind NAT, RFC 3581), expiry and q-value; clustered, the
/// node whose socket holds its flow ('' for an edge alone).
/// </summary>
public sealed record Binding(
    string Extension,
    string Contact,
    string Protocol,
    IPEndPoint Source,
    DateTimeOffset ExpiresAt,
    int QMillis,
    string CallId,
    long CSeq,
    string UserAgent,
    DateTimeOffset RegisteredAt,
    string Node = "");
