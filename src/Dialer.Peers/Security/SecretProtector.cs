using System.Security.Cryptography;
using System.Text;

namespace Dialer.Peers.Security;

/// <summary>
/// Encrypts trunk secrets at rest with AES-256-GCM. Stored form: format byte 1, 12-byte nonce, 16-byte tag,
/// ciphertext. The trunk name is the associated data, so a ciphertext copied onto another trunk will not open.
/// </summary>
public sealed class SecretProtector
{
    private const byte Format = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretProtector(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new ArgumentException("the secrets key must be 32 bytes (AES-256)", nameof(key));
        }
        _key = key;
    }

    public byte[] Protect(string secret, string context)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var plain = Encoding.UTF8.GetBytes(secret);
        var stored = new byte[1 + NonceSize + TagSize + plain.Length];
        stored[0] = Format;
        var nonce = stored.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, stored.AsSpan(1 + NonceSize + TagSize), stored.AsSpan(1 + NonceSize, TagSize),
            Encoding.UTF8.GetBytes(context));
        return stored;
    }

    /// <exception cref="CryptographicException">Wrong key, wrong context or tampered bytes.</exception>
    public string Unprotect(byte[] stored, string context)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Length < 1 + NonceSize + TagSize || stored[0] != Format)
        {
            throw new CryptographicException("stored secret has an unknown format");
        }
        var plain = new byte[stored.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(stored.AsSpan(1, NonceSize), stored.AsSpan(1 + NonceSize + TagSize), stored.AsSpan(1 + NonceSize, TagSize),
            plain, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plain);
    }
}
