using System.Net;

namespace Dialer.Sip.Dns;

/// <summary>An SRV record (RFC 2782).</summary>
public sealed record SrvRecord(int Priority, int Weight, int Port, string Target);

/// <summary>Lookups a SIP element needs; <see cref="DnsResolver"/> implements it, tests may supply records directly.</summary>
public interface IDnsResolver
{
    /// <returns>The SRV records of <paramref name="name"/>; empty when there are none (NXDOMAIN, NODATA).</returns>
    Task<IReadOnlyList<SrvRecord>> SrvAsync(string name, CancellationToken cancellationToken = default);

    /// <returns>A and AAAA addresses of <paramref name="name"/>, IPv4 first; empty when there are none.</returns>
    Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>The resolver could not get an answer (every name server timed out or failed).</summary>
public sealed class DnsException : Exception
{
    public DnsException()
    {
    }

    public DnsException(string message) : base(message)
    {
    }

    public DnsException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
