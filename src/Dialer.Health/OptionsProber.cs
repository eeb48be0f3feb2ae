using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Dialer.Peers.Model;
using Dialer.Sip.Dns;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Polly;
using Polly.Timeout;

namespace Dialer.Health;

/// <summary>
/// Sends SIP OPTIONS to trunk servers from a transport of its own (UDP and TCP, free ports on the configured
/// addresses, IPv4 and IPv6; TLS over outbound connections checked as the trunk's tls settings say), each in a client
/// transaction with a Polly timeout of the trunk's probe timeout and no retry. The RTT runs from the send to the first
/// final response; the trunk's alive codes decide what counts as alive. A name that locates to several addresses (SRV
/// targets, A/AAAA records) is probed along them in order until one is alive, as calls fail over along them: the
/// server is down only when none of them answers.
/// </summary>
public sealed class OptionsProber : ITransactionUser, IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, ResiliencePipeline> _timeouts = new();
    private readonly SipTransportHost _transport;
    private readonly TransactionLayer _layer;
    private readonly SipServerLocator _locator;

    /// <summary>Probes sent from <paramref name="from"/>; a <paramref name="tap"/> (the HEP mirror) sees them and their answers.</summary>
    public OptionsProber(IEnumerable<SipListenAddress> from, TimeProvider time, IDnsResolver? dns = null, ISipTap? tap = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        _transport = new SipTransportHost(Receive, new SipTransportOptions { UdpReceiveLoops = 1, Tap = tap });
        _transport.Start(ProbeTls.Listeners(from));
        _layer = new TransactionLayer(new TransactionContext(_transport, time, SipTimers.Default), this);
        _locator = new SipServerLocator(dns ?? new DnsResolver(new DnsSettings(), time));
    }

    public IReadOnlyList<SipListenAddress> Bound => _transport.Bound;

    public async Task<ProbeOutcome> ProbeAsync(Trunk trunk, TrunkServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(server);
        var protocol = ProbeTls.ProtocolOf(server);
        if (ProbeTls.Local(_transport.Bound, protocol) is null)
        {
            return new ProbeOutcome(false, null, null, $"no {WireNames.Of(server.Transport)} transport to probe with");
        }
        var tlsPolicy = protocol == SipProtocol.Tls ? ProbeTls.PolicyFor(trunk, server) : null;
        var (host, port) = server.NextHop();
        IReadOnlyList<SipEndpoint> found;
        try
        {
            // IP literals come back as they are; names by the server's DNS order (RFC 3263 by default).
            var order = server.DnsOrder == DnsOrder.AFirst ? LocateOrder.AddressFirst : LocateOrder.Rfc3263;
            found = await _locator.LocateAsync(host, port, protocol, order, cancellationToken);
        }
        catch (DnsException)
        {
            found = [];
        }
        if (found.Count == 0)
        {
            return ProbeOutcome.Unresolvable(host);
        }
        ProbeOutcome? outcome = null;
        foreach (var destination in found.Take(SipServerLocator.MaxAddressesTried))
        {
            // Sent from a local address of the destination's family (an IPv4 socket cannot reach ::1, nor the reverse).
            if (LocalFor(destination) is not { } local)
            {
                outcome ??= new ProbeOutcome(false, null, null, $"no {WireNames.Of(server.Transport)} {Family(destination)} address to probe {destination} from");
                continue;
            }
            if (tlsPolicy is not null)
            {
                // The connection the first send opens checks the certificate as the trunk says (CA file, name, or skip).
                _transport.TlsPeers.Set(destination.Address, tlsPolicy);
            }
            outcome = await ProbeOneAsync(trunk, server, local, destination, cancellationToken);
            if (outcome.Alive)
            {
                break;
            }
        }
        return outcome!;
    }

    private SipListenAddress? LocalFor(SipEndpoint destination) =>
        ProbeTls.Local([.. _transport.Bound.Where(b => b.Address.AddressFamily == destination.Address.AddressFamily)], destination.Protocol);

    private static string Family(SipEndpoint endpoint) => endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    private async Task<ProbeOutcome> ProbeOneAsync(Trunk trunk, TrunkServer server, SipListenAddress local, SipEndpoint destination,
        CancellationToken cancellationToken)
    {
        var protocol = destination.Protocol;
        var request = Build(server, local, protocol);
        var answered = new TaskCompletionSource<ProbeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var alive = ReplyCodeSet.TryParse(trunk.Probe.AliveCodes, out var codes) ? codes : null;
        var started = Stopwatch.GetTimestamp();
        ClientTransaction? transaction = null;
        try
        {
            return await Timeout(trunk.Probe.TimeoutMs).ExecuteAsync(async token =>
            {
                transaction = await _layer.SendRequestAsync(request, destination, (_, response) =>
                {
                    if (response.StatusCode >= 200)
                    {
                        var code = response.StatusCode;
                        var reason = Encoding.UTF8.GetString(response.Reason.Of(response.Span));
                        answered.TrySetResult(ProbeOutcome.Answered(code, reason, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                            alive?.Contains(code) ?? code is >= 200 and < 500));
                    }
                }, (_, error) => answered.TrySetResult(error == TransactionError.Timeout ? ProbeOutcome.Timeout : ProbeOutcome.TransportError));
                return await answered.Task.WaitAsync(token);
            }, cancellationToken);
        }
        catch (TimeoutRejectedException)
        {
            return ProbeOutcome.Timeout;
        }
        finally
        {
            // Stop retransmitting: the probe is over whatever the transaction thinks.
            transaction?.Dispose();
        }
    }

    private ResiliencePipeline Timeout(int milliseconds) => _timeouts.GetOrAdd(milliseconds, ms =>
        new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromMilliseconds(ms)).Build());

    private static byte[] Build(TrunkServer server, SipListenAddress local, SipProtocol protocol)
    {
        // RFC 3261 §19.1.1 / RFC 5118 §4.1: an IPv6 host is written in brackets in URIs (and Via's sent-by).
        var host = IPAddress.TryParse(server.Host, out var literal) && literal.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{server.Host}]" : server.Host;
        var target = server.Port is { } port ? $"{host}:{port}" : host;
        var transport = new SipEndpoint(protocol, local.Address).ProtocolName;
        var (scheme, uriTransport) = server.UriSchemeAndTransport();
        var self = $"{Host(local.Address.Address)}:{local.Address.Port}";
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var text = string.Create(CultureInfo.InvariantCulture, $"""
            OPTIONS {scheme}:{target}{uriTransport} SIP/2.0
            Via: SIP/2.0/{transport} {self};branch=z9hG4bK{id};rport
            Max-Forwards: 70
            From: <sip:dialer-health@{self}>;tag={id}
            To: <{scheme}:{target}>
            Call-ID: {id}@{self}
            CSeq: 1 OPTIONS
            Accept: application/sdp
            User-Agent: Dialer health probe
            Content-Length: 0


            """);
        return Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
    }

    private static string Host(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private void Receive(SipMessage message, SipEndpoint source)
    {
        if (!message.IsRequest)
        {
            _layer.ReceiveResponse(message, source);
        }
    }

    // Requests to the probe's ports are not ours to answer; stray responses are late answers to finished probes.
    void ITransactionUser.OnRequest(ServerTransaction? transaction, SipMessage request, SipEndpoint source) { }

    void ITransactionUser.OnAck(SipMessage ack, SipEndpoint source) { }

    void ITransactionUser.OnStrayResponse(SipMessage response, SipEndpoint source) { }

    public ValueTask DisposeAsync() => _transport.DisposeAsync();
}
