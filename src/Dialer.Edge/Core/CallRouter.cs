using System.Collections.Concurrent;
using System.Text;
using Dialer.Edge.Location;
using Dialer.Edge.Registrar;
using Dialer.Edge.Trunks;
using Dialer.Peers.Health;
using Dialer.Peers.Snapshot;
using Dialer.Sip.Message;
using Dialer.Sip.Proxy;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Uris;
using Dialer.Sip.Writing;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Core;

/// <summary>
/// Calls through the edge: who may call (dialers by ACL, carriers by trunk ACL, registered phones by digest),
/// calls to registered extensions forked to their bindings, CANCEL, and in-dialog requests loose-routed via
/// our Record-Route (RFC 3261 §16).
/// </summary>
public sealed partial class CallRouter(EdgeSettings settings, PeerSnapshotSource peers, LocationService location, DigestGate gate,
    EdgeAddresses addresses, ISipSender sender, ChannelLedger ledger, TrunkStatusBoard board, ActiveTrunkCalls active, TimeProvider time, ILogger<CallRouter> logger)
{
    private readonly ConcurrentDictionary<ServerTransaction, CallFork> _forks = new();
    private readonly ConcurrentDictionary<ServerTransaction, TrunkCall> _trunkCalls = new();
    private TransactionLayer _layer = null!;
    private TrunkCallContext _trunkContext = null!;

    public void Attach(TransactionLayer layer)
    {
        _layer = layer;
        _trunkContext = new TrunkCallContext(time, layer, active, board, ResolveAsync,
            (invite, source, destination, uri, remove, add, body) => Forward(invite, source, destination, uri, recordRoute: true, remove, add, body));
    }

    public async Task InviteAsync(ServerTransaction transaction, SipMessage invite, SipEndpoint source)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(invite);
        if (await RejectHopProblemsAsync(transaction, invite))
        {
            return;
        }
        if (IsRoutedThroughUs(invite))
        {
            await InDialogAsync(transaction, invite, source);
            return;
        }
        // RFC 3261 §16.2: a proxy sends 100 Trying at once so the caller stops retransmitting.
        await Responder.RespondAsync(transaction, 100, "Trying");
        var snapshot = peers.Current;
        var caller = Classify(source);
        if (caller == Caller.Phone && await gate.AuthenticateAsync(transaction, invite, source, extension: null) is null)
        {
            return;
        }
        if (caller == Caller.Unknown)
        {
            LogRefused(logger, source.ToString());
            await Responder.RespondAsync(transaction, 403, "Forbidden");
            return;
        }
        if (!SipUri.TryParse(invite.RequestUri.Of(invite.Span), out var target) || target.UnescapedUser is not { } number)
        {
            await Responder.RespondAsync(transaction, 404, "Not Found");
            return;
        }
        if (!snapshot.Phones.TryGetValue(number, out var phone) || !phone.Active)
        {
            // Not an extension: dialers and phones call out through a trunk; carriers only reach extensions.
            if (caller == Caller.Carrier)
            {
                await Responder.RespondAsync(transaction, 404, "Not Found");
            }
            else
            {
                await CallTrunkAsync(transaction, invite, source, number);
            }
            return;
        }
        var bindings = location.Lookup(phone.Extension);
        if (bindings.Count == 0)
        {
            await Responder.RespondAsync(transaction, 480, "Temporarily Unavailable");
            return;
        }
        var fork = new CallFork(transaction, _layer);
        _forks[transaction] = fork;
        transaction.Terminated += t => _forks.TryRemove((ServerTransaction)t, out _);
        await fork.StartAsync(bindings.Select(binding =>
        {
            var destination = Destinations.ForBinding(binding);
            return ((ReadOnlyMemory<byte>)Forward(invite, source, destination, binding.Contact, recordRoute: true), destination);
        }).ToList());
    }

    /// <summary>CANCEL (RFC 3261 §9.2, §16.10): 200 at once, then the fork cancels its branches.</summary>
    public async Task CancelAsync(ServerTransaction transaction, SipMessage cancel)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var invite = _layer.FindInviteFor(cancel);
        await Responder.RespondAsync(transaction, invite is null ? 481 : 200, invite is null ? "Call/Transaction Does Not Exist" : "OK");
        if (invite is not null && _forks.TryGetValue(invite, out var fork))
        {
            fork.Cancel();
        }
        if (invite is not null && _trunkCalls.TryGetValue(invite, out var trunkCall))
        {
            await trunkCall.CancelAsync();
        }
    }

    /// <summary>An in-dialog request (BYE, re-INVITE, INFO ...) whose Route names us: pop it and forward statefully.</summary>
    public async Task InDialogAsync(ServerTransaction transaction, SipMessage request, SipEndpoint source)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(request);
        if (!IsRoutedThroughUs(request))
        {
            await Responder.RespondAsync(transaction, 404, "Not Found");
            return;
        }
        var next = NextHop(request);
        if (next is null)
        {
            await Responder.RespondAsync(transaction, 404, "Not Found: No Route");
            return;
        }
        var bytes = Forward(request, source, next.Value, requestUri: null, recordRoute: false);
        // A BYE's channel returns only when the other side has answered it (or never will: timeout, transport
        // error). Releasing once the BYE is merely sent would let a new INVITE overtake a BYE lost on UDP and
        // retransmitted, and the carrier would count cap + 1.
        var callId = request.Method == SipMethod.Bye ? Encoding.ASCII.GetString(request.CallId) : null;
        await _layer.SendRequestAsync(bytes, next.Value,
            (client, response) =>
            {
                if (response.StatusCode == 100)
                {
                    return;
                }
                // The channel is free before the answer leaves, so a dialer that starts its next call on it is admitted.
                if (callId is not null && response.StatusCode >= 200)
                {
                    active.End(callId, source.Address);
                }
                using (var buffer = new PooledBuffer(1024))
                {
                    ProxyWriter.Response(response, buffer, request, source.Address);
                    _ = transaction.RespondAsync(buffer.WrittenSpan.ToArray(), response.StatusCode);
                }
            },
            (client, error) =>
            {
                if (callId is not null)
                {
                    active.End(callId, source.Address);
                }
                _ = Responder.RespondAsync(transaction, error == TransactionError.Timeout ? 408 : 503,
                    error == TransactionError.Timeout ? "Request Timeout" : "Service Unavailable");
            });
    }

    /// <summary>ACK for a 2xx belongs to the dialog: forward it statelessly along the route (RFC 3261 §16.11).</summary>
    public void Ack(SipMessage ack, SipEndpoint source)
    {
        if (!IsRoutedThroughUs(ack) || NextHop(ack) is not { } next)
        {
            return;
        }
        _ = sender.SendAsync(next, Forward(ack, source, next, requestUri: null, recordRoute: false)).AsTask();
    }

    /// <summary>A response no transaction took (a late 2xx retransmission): pop our Via and send it on (RFC 3261 §16.7 step 3).</summary>
    public void StrayResponse(SipMessage response)
    {
        if (!response.TryGetTopVia(out var via) || !addresses.IsUs(via.HostText(response.Span), via.Port) || Destinations.ForResponse(response, 1) is not { } next)
        {
            return;
        }
        using var buffer = new PooledBuffer(1024);
        ProxyWriter.Response(response, buffer);
        _ = sender.SendAsync(next, buffer.WrittenSpan.ToArray()).AsTask();
    }

    private enum Caller { Dialer, Carrier, Phone, Unknown }

    /// <summary>Dialers by Edge:DialerAcl, carriers by a trunk's ACL, phones when a binding came from that address.</summary>
    private Caller Classify(SipEndpoint source)
    {
        var address = source.Address.Address.IsIPv4MappedToIPv6 ? source.Address.Address.MapToIPv4() : source.Address.Address;
        if (settings.DialerAcl.Any(cidr => cidr.Contains(address)))
        {
            return Caller.Dialer;
        }
        if (peers.Current.TrunkForSource(address) is not null)
        {
            return Caller.Carrier;
        }
        return location.HasSource(address) ? Caller.Phone : Caller.Unknown;
    }

    private async Task<bool> RejectHopProblemsAsync(ServerTransaction transaction, SipMessage request)
    {
        if (request.MaxForwards == 0)
        {
            await Responder.RespondAsync(transaction, 483, "Too Many Hops");
            return true;
        }
        if (ProxyBranch.HasLooped(request, addresses.IsUs))
        {
            await Responder.RespondAsync(transaction, 482, "Loop Detected");
            return true;
        }
        return false;
    }

    private bool IsRoutedThroughUs(SipMessage request)
    {
        foreach (var element in request.Elements(HeaderKind.Route))
        {
            return Sip.Headers.NameAddress.TryParse(request.Span, element, out var route) && SipUri.TryParse(route.Uri.Of(request.Span), out var uri)
                && addresses.IsUs(uri.HostWithoutBrackets, uri.Port ?? 5060);
        }
        return false;
    }

    /// <summary>After our Route: the next Route's address, else the Request-URI's (a phone contact maps to its binding).</summary>
    private SipEndpoint? NextHop(SipMessage request)
    {
        var span = request.Span;
        var skipped = false;
        foreach (var element in request.Elements(HeaderKind.Route))
        {
            if (!skipped)
            {
                skipped = true;
                continue;
            }
            return Sip.Headers.NameAddress.TryParse(span, element, out var route) && SipUri.TryParse(route.Uri.Of(span), out var uri) ? Destinations.ForUri(uri) : null;
        }
        var target = Encoding.UTF8.GetString(request.RequestUri.Of(span));
        var binding = location.FindByContact(target);
        return binding is not null ? Destinations.ForBinding(binding) : SipUri.TryParse(target, out var requestUri) ? Destinations.ForUri(requestUri) : null;
    }

    private byte[] Forward(SipMessage request, SipEndpoint source, SipEndpoint destination, string? requestUri, bool recordRoute) =>
        Forward(request, source, destination, requestUri, recordRoute, [], [], null);

    private byte[] Forward(SipMessage request, SipEndpoint source, SipEndpoint destination, string? requestUri, bool recordRoute,
        IReadOnlyCollection<string> remove, IReadOnlyList<string> add, ReadOnlyMemory<byte>? body)
    {
        var local = addresses.For(destination.Protocol, destination.Address.AddressFamily).Address;
        var host = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString();
        var udp = addresses.For(SipProtocol.Udp, destination.Address.AddressFamily).Address;
        using var buffer = new PooledBuffer(2048);
        ProxyWriter.Request(request, new ForwardOptions
        {
            Via = $"SIP/2.0/{destination.ProtocolName} {host}:{local.Port};branch={ProxyBranch.For(request)};rport",
            RequestUri = requestUri,
            RecordRoute = recordRoute ? $"sip:{host}:{udp.Port};lr" : null,
            RemoveTopRoute = IsRoutedThroughUs(request),
            Source = source.Address,
            RemoveHeaders = remove,
            AddHeaders = add,
            Body = body,
        }, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "INVITE from {Source} refused: not a dialer, carrier or registered phone")]
    private static partial void LogRefused(ILogger logger, string source);
}
