using System.Globalization;
using System.Text;
using Dialer.Edge.Core;
using Dialer.Edge.Location;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Auth;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Uris;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Registrar;

/// <summary>
/// The registrar (RFC 3261 §10.3) for phone peers: digest authentication against HA1s in the snapshot, the same
/// 401 for unknown, inactive and wrong-password phones, lockout after repeated failures, expiry bounds with 423,
/// wildcard removal, Call-ID/CSeq ordering and the max-contacts policy.
/// </summary>
public sealed partial class PhoneRegistrar(
    EdgeSettings settings, LocationService location, DigestGate gate, EdgeAddresses addresses, TimeProvider time, ILogger<PhoneRegistrar> logger)
{
    public async Task HandleAsync(ServerTransaction transaction, SipMessage request, SipEndpoint source)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(request);
        var span = request.Span;
        if (!SipUri.TryParse(request.RequestUri.Of(span), out var target) || !addresses.IsOurDomain(target.HostWithoutBrackets))
        {
            await Responder.RespondAsync(transaction, 404, "Domain Not Served");
            return;
        }
        if (!request.TryGetTo(out var to) || !SipUri.TryParse(to.Uri.Of(span), out var aor) || aor.User is null)
        {
            await Responder.RespondAsync(transaction, 404, "Not Found");
            return;
        }
        var phone = await gate.AuthenticateAsync(transaction, request, source, aor.UnescapedUser!);
        if (phone is null)
        {
            return;
        }
        await UpdateBindingsAsync(transaction, request, phone, source);
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Phone {Extension} now has {Count} binding(s), last from {Source}")]
    private static partial void LogRegistered(ILogger logger, string extension, int count, SipEndpoint source);
}
