namespace Dialer.Sip.Dns;

/// <summary>Which lookups locate a SIP server by name, and in what order (a trunk server's dnsOrder).</summary>
public enum LocateOrder
{
    /// <summary>RFC 3263 §4.2: SRV for the transport when no port is given, else (or without SRV) A/AAAA.</summary>
    Rfc3263,

    /// <summary>The name's A/AAAA first, then SRV of the name for the transport, then _sip._udp SRV (not for TLS).</summary>
    AddressFirst,
}
