namespace Dialer.Peers.Model;

/// <summary>SIP transport of a trunk server (RFC 3261 §18).</summary>
public enum SipTransport { Udp, Tcp, Tls }

/// <summary>URI scheme used to reach a trunk server; sips needs TLS (RFC 3261 §19.1).</summary>
public enum SipScheme { Sip, Sips }

/// <summary>How a trunk server's host name is located (API field dnsOrder).</summary>
public enum DnsOrder
{
    /// <summary>"rfc3263": SRV for the transport when no port is given, else A/AAAA (RFC 3263 §4.2).</summary>
    Rfc3263,
    /// <summary>"a-first": the name's A/AAAA first, then SRV of the name for the transport, then _sip._udp SRV (not for TLS).</summary>
    AFirst,
}

/// <summary>Where the edge puts the calling identity towards a carrier.</summary>
public enum CallOriginHeader
{
    /// <summary>P-Asserted-Identity (RFC 3325).</summary>
    Pai,
    /// <summary>Remote-Party-ID (draft-ietf-sip-privacy-04, still common with carriers).</summary>
    Rpid,
    /// <summary>Only the From header.</summary>
    From,
}

/// <summary>VICIdial server-trunk restriction of a campaign's allocation.</summary>
public enum AllocationRestriction
{
    /// <summary>The campaign never uses more than its reserved channels on the trunk.</summary>
    MaximumLimit,
    /// <summary>The campaign may also use the trunk's unreserved channels.</summary>
    OverflowAllowed,
}

/// <summary>Role of an admin API token.</summary>
public enum ApiRole { Viewer, Admin }
