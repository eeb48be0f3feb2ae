using System.Net;
using System.Text;
using Dialer.Edge.Trunks;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Sip.Dns;
using Dialer.Sip.Message;
using Dialer.Sip.Sdp;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Core;

public sealed partial class CallRouter
{
    private SipServerLocator? _locator;

    /// <summary>
    /// A call out through a trunk: pick the trunk, filter the SDP to its codecs (488 when none is left), admit the
    /// channel (503 with Retry-After and Reason naming the cause) and hand the call to a <see cref="TrunkCall"/>.
    /// </summary>
    private async Task CallTrunkAsync(ServerTransaction transaction, SipMessage invite, SipEndpoint source, string number)
    {
        var snapshot = peers.Current;
        var selected = TrunkSelector.Select(snapshot, number, invite.GetValue("X-Dialer-Trunk"));
        if (selected is not { } route)
        {
            await Responder.RespondAsync(transaction, 404, "Not Found: No Route");
            return;
        }
        var (trunk, stripped) = route;
        ReadOnlyMemory<byte>? body = null;
        if (invite.Body.Length > 0 && invite.GetValue(HeaderKind.ContentType)?.StartsWith("application/sdp", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var filtered = new PooledBuffer(1024);
            var result = SdpCodecFilter.Filter(invite.Body.Of(invite.Span), [.. trunk.Codecs], filtered);
            if (result == SdpFilterResult.NoCommonCodec)
            {
                await Responder.RespondAsync(transaction, 488, "Not Acceptable Here", "Warning: 304 dialer \"no codec allowed by the trunk\"");
                return;
            }
            body = result == SdpFilterResult.Filtered ? filtered.WrittenSpan.ToArray() : null;
        }
        var campaign = invite.GetValue("X-Dialer-Campaign");
        // Servers that are down (health probes or call failures) or disabled get no new calls.
        var servers = TrunkSelector.Order(trunk, server => server.Transport != SipTransport.Tls && board.IsRoutable(TrunkServerKey.For(trunk, server)));
        if (servers.Count == 0)
        {
            ledger.For(trunk.Name).Refuse(RejectCause.NoServer, campaign);
            await RejectAsync(transaction, RejectCause.NoServer);
            return;
        }
        if (ledger.For(trunk.Name).TryAdmit(trunk, snapshot.Campaigns.Values, campaign, out var lease) is { } cause)
        {
            await RejectAsync(transaction, cause);
            return;
        }
        var record = new CallRecord
        {
            CallId = Encoding.ASCII.GetString(invite.CallId),
            Trunk = trunk.Name,
            Campaign = campaign,
            Number = number,
            SetupAt = time.GetUtcNow(),
        };
        var call = new TrunkCall(_trunkContext, transaction, invite, source, trunk, stripped, lease!, body, record);
        _trunkCalls[transaction] = call;
        transaction.Terminated += t => _trunkCalls.TryRemove((ServerTransaction)t, out _);
        await call.StartAsync(servers);
    }

    private Task<bool> RejectAsync(ServerTransaction transaction, RejectCause cause)
    {
        LogRejected(logger, cause);
        // A CPS token comes back within a second; a channel or a server takes longer.
        var retryAfter = cause == RejectCause.CpsCap ? "Retry-After: 1" : "Retry-After: 5";
        return Responder.RespondAsync(transaction, 503, "Service Unavailable", retryAfter,
            $"Reason: SIP;cause=503;text=\"{RejectCauses.Text(cause)}\"");
    }

    /// <summary>A trunk server's address: the outbound proxy when set; IP literals directly; names by RFC 3263.</summary>
    private async Task<SipEndpoint?> ResolveAsync(TrunkServer server)
    {
        var protocol = server.Transport == SipTransport.Tcp ? SipProtocol.Tcp : SipProtocol.Udp;
        var (host, port) = server.NextHop();
        if (IPAddress.TryParse(host, out var address))
        {
            return new SipEndpoint(protocol, new IPEndPoint(address, port ?? 5060));
        }
        try
        {
            _locator ??= new SipServerLocator(new DnsClient(DnsClient.SystemServers(), time, TimeSpan.FromSeconds(2)));
            var found = await _locator.LocateAsync(host, port, protocol);
            return found.Count > 0 ? found[0] : null;
        }
        catch (DnsException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 2402, Level = LogLevel.Debug, Message = "Trunk call refused: {Cause}")]
    private static partial void LogRejected(ILogger logger, RejectCause cause);
}
