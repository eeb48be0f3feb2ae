using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dialer.Sip.Auth;

/// <summary>
/// Stateless nonces: base64url(issue time ‖ 8 random bytes ‖ HMAC-SHA256(key, time ‖ random ‖ realm)[..16]). Every
/// challenge gets its own nonce, even many in one millisecond (a call centre behind one NAT registering at once), so
/// one phone's nonce-count never collides with another's. Any node holding the key can check a nonce; its age says
/// whether it is stale (RFC 7616 §3.3 "stale").
/// </summary>
public sealed class DigestNonces(byte[] key, TimeProvider time, TimeSpan lifetime)
{
    private const int MacLength = 16;
    private const int Signed = 16;
    private const int Length = Signed + MacLength;

    public TimeSpan Lifetime { get; } = lifetime;

    public string Issue(string realm)
    {
        Span<byte> nonce = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(nonce, time.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(nonce[8..Signed]);
        Mac(nonce[..Signed], realm, nonce[Signed..]);
        return Convert.ToBase64String(nonce).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public NonceState Check(string nonce, string realm) => Check(nonce, realm, out _);

    /// <param name="nonce">The nonce as the client returned it.</param>
    /// <param name="realm">The realm it must have been issued for.</param>
    /// <param name="expiresAt">When it goes stale (meaningful unless forged).</param>
    public NonceState Check(string nonce, string realm, out DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        expiresAt = default;
        Span<byte> bytes = stackalloc byte[Length];
        if (nonce.Length != 43)
        {
            return NonceState.Forged;
        }
        var base64 = nonce.Replace('-', '+').Replace('_', '/') + "=";
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != Length)
        {
            return NonceState.Forged;
        }
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(bytes[..Signed], realm, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[Signed..]))
        {
            return NonceState.Forged;
        }
        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes));
        expiresAt = issued + Lifetime;
        var age = time.GetUtcNow() - issued;
        return age < TimeSpan.Zero || age > Lifetime ? NonceState.Stale : NonceState.Fresh;
    }

    private void Mac(ReadOnlySpan<byte> signed, string realm, Span<byte> destination)
    {
        var input = new byte[Signed + Encoding.UTF8.GetByteCount(realm)];
        signed.CopyTo(input);
        Encoding.UTF8.GetBytes(realm, input.AsSpan(Signed));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, input, mac);
        mac[..MacLength].CopyTo(destination);
    }
}

public enum NonceState { Fresh, Stale, Forged }
