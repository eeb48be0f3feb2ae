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
    EdgeSettings settings, PeerSnapshotSource peers, LocationService location, DigestServer digest, AuthLockout lockout,
    EdgeAddresses addresses, TimeProvider time, ILogger<PhoneRegistrar> logger)
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
        var extension = aor.UnescapedUser!;
        var sourceKey = "ip:" + source.Address.Address;
        var extensionKey = "ext:" + extension;
        if (lockout.IsLocked(sourceKey) || lockout.IsLocked(extensionKey))
        {
            await Responder.RespondAsync(transaction, 403, "Forbidden");
            return;
        }
        var phone = await AuthenticateAsync(transaction, request, extension, source, sourceKey, extensionKey);
        if (phone is null)
        {
            return;
        }
        await UpdateBindingsAsync(transaction, request, phone, source);
    }

    /// <returns>The authenticated phone, or null when a challenge or refusal was sent.</returns>
    private async Task<Phone?> AuthenticateAsync(ServerTransaction transaction, SipMessage request, string extension, SipEndpoint source,
        string sourceKey, string extensionKey)
    {
        var credentials = CredentialsForRealm(request);
        if (credentials is null)
        {
            await ChallengeAsync(transaction, stale: false);
            return null;
        }
        var snapshot = peers.Current;
        Phone? matched = null;
        var verdict = digest.Verify(credentials, "REGISTER", settings.Realm, (user, algorithm) =>
        {
            // Only an active phone whose auth username registers its own extension in our realm has an HA1 here.
            if (!snapshot.PhonesByAuthUser.TryGetValue(user, out var phone) || !phone.Active || phone.Extension != extension || phone.Realm != settings.Realm)
            {
                return null;
            }
            matched = phone;
            return algorithm == DigestAlgorithm.Sha256 ? phone.Credentials.Ha1Sha256 : phone.Credentials.Ha1Md5;
        }, out var username);
        switch (verdict)
        {
            case DigestVerdict.Accepted:
                lockout.Succeed(sourceKey);
                lockout.Succeed(extensionKey);
                return matched;
            case DigestVerdict.Stale:
                await ChallengeAsync(transaction, stale: true);
                return null;
            case DigestVerdict.Malformed:
                await Responder.RespondAsync(transaction, 400, "Bad Request: Malformed Authorization");
                return null;
            default:
                if (lockout.Fail(sourceKey) | lockout.Fail(extensionKey))
                {
                    LogLockedOut(logger, extension, source.Address.Address.ToString(), username ?? "");
                }
                // The same answer as for no credentials at all: nothing tells an attacker which part was wrong.
                await ChallengeAsync(transaction, stale: false);
                return null;
        }
    }

    private string? CredentialsForRealm(SipMessage request)
    {
        for (var i = request.IndexOf(HeaderKind.Authorization); i >= 0; i = request.NextIndexOf(HeaderKind.Authorization, i))
        {
            var value = request.ValueString(request.HeaderAt(i));
            if (DigestParameters.TryParse(value, out var parameters) && parameters["realm"] == settings.Realm)
            {
                return value;
            }
        }
        return null;
    }

    private Task<bool> ChallengeAsync(ServerTransaction transaction, bool stale) =>
        Responder.RespondAsync(transaction, 401, "Unauthorized",
            [.. digest.Challenges(settings.Realm, stale, settings.Registrar.DigestAlgorithms).Select(c => "WWW-Authenticate: " + c)], default);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Registration attempts locked out: extension {Extension} from {Source} (username {Username}) failed too often")]
    private static partial void LogLockedOut(ILogger logger, string extension, string source, string username);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Phone {Extension} now has {Count} binding(s), last from {Source}")]
    private static partial void LogRegistered(ILogger logger, string extension, int count, SipEndpoint source);
}
