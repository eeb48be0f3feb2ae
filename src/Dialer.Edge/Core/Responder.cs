using System.Security.Cryptography;
using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Writing;

namespace Dialer.Edge.Core;

/// <summary>Answers a request in its server transaction with a response built per RFC 3261 §8.2.6.</summary>
public static class Responder
{
    public const string Allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, PRACK, NOTIFY, REFER, MESSAGE";

    public static Task<bool> RespondAsync(ServerTransaction transaction, int status, string reason, params string[] headers) =>
        RespondAsync(transaction, status, reason, headers, default);

    public static Task<bool> RespondAsync(ServerTransaction transaction, int status, string reason, IReadOnlyList<string> headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (!transaction.Accepts(status))
        {
            // Refused by the transaction anyway (RFC 3261 §17.2); not even built.
            return Task.FromResult(false);
        }
        using var buffer = new PooledBuffer(1024);
        // A To tag for every response but 100 Trying (RFC 3261 §8.2.6.2), 48 random bits, written without a string.
        Span<byte> tag = stackalloc byte[12];
        if (status > 100)
        {
            Span<byte> random = stackalloc byte[6];
            RandomNumberGenerator.Fill(random);
            Convert.TryToHexStringLower(random, tag, out _);
        }
        else
        {
            tag = default;
        }
        ResponseBuilder.Write(transaction.Request, status, Encoding.UTF8.GetBytes(reason), tag, buffer,
            headers is string[] array ? array : [.. headers], body, transaction.Source.Address, transaction.ForceRport);
        return transaction.RespondAsync(buffer.WrittenSpan.ToArray(), status);
    }

    /// <summary>OPTIONS addressed to the edge (RFC 3261 §11.2): what we allow, accept and support.</summary>
    public static Task<bool> CapabilitiesAsync(ServerTransaction transaction) =>
        RespondAsync(transaction, 200, "OK", $"Allow: {Allow}", "Accept: application/sdp", "Accept-Language: en");
}
