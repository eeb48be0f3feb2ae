using Dialer.Edge.Core;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Auth;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Registrar;

/// <summary>
/// Digest authentication of phone peers for REGISTER (401/Authorization) and calls (407/Proxy-Authorization):
/// the same challenge for unknown, inactive and wrong-password phones, lockout per source and per user.
/// </summary>
public sealed partial class DigestGate(EdgeSettings settings, PeerSnapshotSource peers, DigestServer digest, AuthLockout lockout, ILogger<DigestGate> logger)
{
    /// <param name="transaction">Where challenges and refusals are sent.</param>
    /// <param name="request">The request to authenticate.</param>
    /// <param name="source">Where it came from (lockout key).</param>
    /// <param name="extension">For REGISTER, the extension being registered: the phone must be that one; null for calls.</param>
    /// <returns>The authenticated phone, or null when a challenge or refusal was sent.</returns>
    public async Task<Phone?> AuthenticateAsync(ServerTransaction transaction, SipMessage request, SipEndpoint source, string? extension)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(request);
        var proxy = extension is null;
        var snapshot = peers.Current;
        var challenged = PhoneFor(snapshot, request, extension);
        // Lockout is per (source, extension) and per extension: one phone with a wrong password behind a call centre's
        // NAT never locks out its neighbours; blocking a whole source is the flood limiter's job.
        var claimed = extension ?? challenged?.Extension;
        if (claimed is not null && (lockout.IsLocked(PairKey(source, claimed)) || lockout.IsLocked(ExtensionKey(claimed))))
        {
            await Responder.RespondAsync(transaction, 403, "Forbidden");
            return null;
        }
        var realm = challenged?.Realm ?? settings.Realm;
        var algorithms = AlgorithmsFor(challenged);
        var credentials = CredentialsForRealm(request, proxy ? HeaderKind.ProxyAuthorization : HeaderKind.Authorization, realm);
        if (credentials is null)
        {
            await ChallengeAsync(transaction, proxy, stale: false, realm, algorithms);
            return null;
        }
        Phone? matched = null;
        var verdict = digest.Verify(credentials, request.MethodText, realm, (user, algorithm) =>
        {
            // Only an active phone of this realm (registering its own extension, for REGISTER) has an HA1 here.
            if (!snapshot.PhonesByAuthUser.TryGetValue(user, out var phone) || !phone.Active || phone.Realm != realm
                || (extension is not null && phone.Extension != extension))
            {
                return null;
            }
            matched = phone;
            return algorithm == DigestAlgorithm.Sha256 ? phone.Credentials.Ha1Sha256 : phone.Credentials.Ha1Md5;
        }, out var username);
        var who = matched?.Extension ?? claimed ?? username ?? "";
        switch (verdict)
        {
            case DigestVerdict.Accepted:
                lockout.Succeed(PairKey(source, who));
                lockout.Succeed(ExtensionKey(who));
                return matched;
            case DigestVerdict.Stale:
                await ChallengeAsync(transaction, proxy, stale: true, realm, algorithms);
                return null;
            case DigestVerdict.Malformed:
                await Responder.RespondAsync(transaction, 400, "Bad Request: Malformed Authorization");
                return null;
            case DigestVerdict.BadNonce:
                // A nonce we never issued, a stale one with a wrong answer, a replayed count: a fresh challenge, no failure.
                await ChallengeAsync(transaction, proxy, stale: false, realm, algorithms);
                return null;
            default:
                if (lockout.Fail(PairKey(source, who)) | lockout.Fail(ExtensionKey(who)))
                {
                    LogLockedOut(logger, who, source.Address.Address.ToString(), username ?? "");
                }
                // The same answer as for no credentials at all: nothing tells an attacker which part was wrong.
                await ChallengeAsync(transaction, proxy, stale: false, realm, algorithms);
                return null;
        }
    }

    /// <summary>
    /// The phone a request claims to be, whose realm and digest algorithms the challenge uses (several realms can be
    /// served; each phone's HA1 is over its own realm): by the extension being registered or, for a call, the From
    /// user. Null for anyone else, who is challenged in Dialer:Sip:Realm with the default algorithms.
    /// </summary>
    private static Phone? PhoneFor(PeerSnapshot snapshot, SipMessage request, string? extension)
    {
        var user = extension;
        if (user is null && request.TryGetFrom(out var from) && Dialer.Sip.Uris.SipUri.TryParse(from.Uri.Of(request.Span), out var uri))
        {
            user = uri.UnescapedUser;
        }
        if (user is not null && (snapshot.Phones.TryGetValue(user, out var phone) || snapshot.PhonesByAuthUser.TryGetValue(user, out phone)) && phone.Active)
        {
            return phone;
        }
        return null;
    }

    /// <summary>The phone's digestAlgorithms, else Edge:DigestAlgorithms; SHA-256 first when offered (RFC 8760 §3).</summary>
    private IReadOnlyList<DigestAlgorithm> AlgorithmsFor(Phone? phone)
    {
        if (phone is null || phone.DigestAlgorithms.Count == 0)
        {
            return settings.Registrar.DigestAlgorithms;
        }
        var algorithms = new List<DigestAlgorithm>();
        foreach (var name in phone.DigestAlgorithms)
        {
            if (DigestAlgorithms.TryParse(name, out var algorithm) && !algorithms.Contains(algorithm))
            {
                algorithms.Add(algorithm);
            }
        }
        return algorithms.Count == 0 ? settings.Registrar.DigestAlgorithms : [.. algorithms.OrderByDescending(a => a == DigestAlgorithm.Sha256)];
    }

    private static string PairKey(SipEndpoint source, string extension) => $"pair:{source.Address.Address}|{extension}";

    private static string ExtensionKey(string extension) => "ext:" + extension;

    private static string? CredentialsForRealm(SipMessage request, HeaderKind kind, string realm)
    {
        for (var i = request.IndexOf(kind); i >= 0; i = request.NextIndexOf(kind, i))
        {
            var value = request.ValueString(request.HeaderAt(i));
            if (DigestParameters.TryParse(value, out var parameters) && parameters["realm"] == realm)
            {
                return value;
            }
        }
        return null;
    }

    private Task<bool> ChallengeAsync(ServerTransaction transaction, bool proxy, bool stale, string realm, IReadOnlyList<DigestAlgorithm> algorithms)
    {
        var header = proxy ? "Proxy-Authenticate: " : "WWW-Authenticate: ";
        return Responder.RespondAsync(transaction, proxy ? 407 : 401, proxy ? "Proxy Authentication Required" : "Unauthorized",
            [.. digest.Challenges(realm, stale, algorithms).Select(c => header + c)], default);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Digest attempts locked out: {User} from {Source} (username {Username}) failed too often")]
    private static partial void LogLockedOut(ILogger logger, string user, string source, string username);
}
