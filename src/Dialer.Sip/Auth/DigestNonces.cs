using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dialer.Sip.Auth;

/// <summary>
/// Stateless nonces: base64url(issue time ‖ HMAC-SHA256(key, issue time ‖ realm)[..16]). Any node holding the key
/// can check a nonce; its age says whether it is stale (RFC 7616 §3.3 "stale").
/// </summary>
public sealed class DigestNonces(byte[] key, TimeProvider time, TimeSpan lifetime)
{
    private const int MacLength = 16;

    public TimeSpan Lifetime { get; } = lifetime;

    public string Issue(string realm)
    {
        Span<byte> nonce = stackalloc byte[8 + MacLength];
        BinaryPrimitives.WriteInt64BigEndian(nonce, time.GetUtcNow().ToUnixTimeMilliseconds());
        Mac(nonce[..8], realm, nonce[8..]);
        return Convert.ToBase64String(nonce).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public NonceState Check(string nonce, string realm)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        Span<byte> bytes = stackalloc byte[8 + MacLength];
        var base64 = nonce.Replace('-', '+').Replace('_', '/') + "==";
        if (nonce.Length != 32 || !Convert.TryFromBase64String(base64[..(base64.Length - (base64.Length % 4))], bytes, out var written) || written != bytes.Length)
        {
            return NonceState.Forged;
        }
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes[..8], realm, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[8..]))
        {
            return NonceState.Forged;
        }
        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes));
        return age < TimeSpan.Zero || age > Lifetime ? NonceState.Stale : NonceState.Fresh;
    }

    private void Mac(ReadOnlySpan<byte> timestamp, string realm, Span<byte> destination)
    {
        var input = new byte[8 + Encoding.UTF8.GetByteCount(realm)];
        timestamp.CopyTo(input);
        Encoding.UTF8.GetBytes(realm, input.AsSpan(8));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, input, mac);
        mac[..MacLength].CopyTo(destination);
    }
}

public enum NonceState { Fresh, Stale, Forged }
