using System.Security.Cryptography;
using System.Text;

namespace Dialer.Edge.Dialogs;

/// <summary>
/// The signed dialog token the edge puts in its Record-Route (the <c>dlg</c> URI parameter): a random dialog id and
/// an HMAC-SHA256 over the id and the Call-ID, keyed from configuration so every node holding the key can verify it.
/// A Route that names the edge proves nothing by itself; only a token that verifies for the request's Call-ID does
/// (kamailio's rr + topoh idea, docs/architecture.md "Dialogs").
/// </summary>
public sealed class DialogToken
{
    /// <summary>The Record-Route URI parameter that carries the token.</summary>
    public const string Parameter = "dlg";
    private const int MacBytes = 12;
    private readonly byte[] _key;

    public DialogToken(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("the dialog token key needs at least 16 bytes", nameof(key));
        }
        _key = [.. key];
    }

    /// <summary>A key for tokens derived from the secrets key (HKDF), so that no second key has to be managed.</summary>
    public static byte[] DeriveKey(byte[] secretsKey) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secretsKey, 32, salt: [], info: "dialer dialog token v1"u8.ToArray());

    /// <summary>A new random dialog id (16 hex digits).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>"id.mac" for the dialog of <paramref name="callId"/>.</summary>
    public string Issue(string id, ReadOnlySpan<byte> callId) => id + "." + Convert.ToHexStringLower(Mac(id, callId));

    /// <returns>True, with the dialog id, when <paramref name="token"/> was issued by a holder of the key for this Call-ID.</returns>
    public bool TryVerify(string? token, ReadOnlySpan<byte> callId, out string id)
    {
        id = "";
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot != 16 || token.Length != 17 + (MacBytes * 2))
        {
            return false;
        }
        Span<byte> given = stackalloc byte[MacBytes];
        if (Convert.FromHexString(token.AsSpan(17), given, out _, out var written) != System.Buffers.OperationStatus.Done || written != MacBytes)
        {
            return false;
        }
        var candidate = token[..16];
        if (!CryptographicOperations.FixedTimeEquals(given, Mac(candidate, callId)))
        {
            return false;
        }
        id = candidate;
        return true;
    }

    private byte[] Mac(string id, ReadOnlySpan<byte> callId)
    {
        Span<byte> data = stackalloc byte[Math.Min(1024, id.Length + 1 + callId.Length)];
        var length = Encoding.ASCII.GetBytes(id, data);
        data[length++] = (byte)'|';
        var copied = Math.Min(callId.Length, data.Length - length);
        callId[..copied].CopyTo(data[length..]);
        Span<byte> hash = stackalloc byte[32];
        // One HMAC state per thread, reset after each use: a one-shot HMACSHA256.HashData sets up (fetches) a new
        // OpenSSL MAC context every time, which costs more than hashing these few bytes.
        var mac = t_mac is { } cached && ReferenceEquals(t_macOwner, this) ? cached : NewMac();
        mac.AppendData(data[..(length + copied)]);
        mac.GetHashAndReset(hash);
        return hash[..MacBytes].ToArray();
    }

    [ThreadStatic]
    private static IncrementalHash? t_mac;

    [ThreadStatic]
    private static DialogToken? t_macOwner;

    private IncrementalHash NewMac()
    {
        t_mac?.Dispose();
        t_mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        t_macOwner = this;
        return t_mac;
    }
}
