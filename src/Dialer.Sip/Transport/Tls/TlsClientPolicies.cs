using System.Collections.Concurrent;
using System.Net;

namespace Dialer.Sip.Transport.Tls;

/// <summary>
/// The <see cref="TlsClientPolicy"/> of each address the edge may open a TLS connection to, set by whoever resolved
/// the address (a trunk server's resolver or probe) before the first send. An address nobody described is checked
/// against the system store under its IP address. Bounded: beyond <see cref="MaxEntries"/> the table starts over.
/// </summary>
public sealed class TlsClientPolicies
{
    public const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<IPEndPoint, TlsClientPolicy> _policies = new();

    public void Set(IPEndPoint address, TlsClientPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(policy);
        if (_policies.TryGetValue(address, out var existing) && existing == policy)
        {
            return;
        }
        if (_policies.Count >= MaxEntries)
        {
            _policies.Clear();
        }
        _policies[address] = policy;
    }

    public TlsClientPolicy For(IPEndPoint address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _policies.TryGetValue(address, out var policy) ? policy : new TlsClientPolicy(address.Address.ToString());
    }
}
