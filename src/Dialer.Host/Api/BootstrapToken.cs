using System.Security.Cryptography;
using Dialer.Peers.Security;

namespace Dialer.Host.Api;

/// <summary>
/// The admin token from DIALER_ADMIN_TOKEN, kept only as its hash and compared in constant time,
/// so a fresh install can create the real tokens through the API.
/// </summary>
public sealed class BootstrapToken
{
    public const string Variable = "DIALER_ADMIN_TOKEN";
    public const string Name = "bootstrap";
    private readonly byte[]? _hash;

    public BootstrapToken(string? token)
    {
        _hash = string.IsNullOrEmpty(token) ? null : ApiTokens.Hash(token);
    }

    public bool IsConfigured => _hash is not null;

    public bool Matches(string token) => _hash is not null && CryptographicOperations.FixedTimeEquals(_hash, ApiTokens.Hash(token));
}
