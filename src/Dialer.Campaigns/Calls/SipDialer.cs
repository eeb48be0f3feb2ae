using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;

namespace Dialer.Campaigns.Calls;

/// <summary>
/// The dialer's SIP user agent (a UAC, RFC 3261 §8.1 and §13): one UDP socket and a transaction layer, from which
/// <see cref="CallAsync"/> places calls at the edge. Requests the far end sends inside a call (its BYE) are answered
/// here and handed to the call; anything else is answered 481.
/// </summary>
public sealed class SipDialer : ITransactionUser, IAsyncDisposable
{
    private readonly SipTransportHost _transport;
    private readonly TransactionLayer _layer;
    private readonly ConcurrentDictionary<string, OutboundCall> _calls = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public SipDialer(SipEndpoint edge, IPAddress localAddress, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(localAddress);
        Edge = edge;
        _time = time;
        _transport = new SipTransportHost(Receive, new SipTransportOptions { UdpReceiveLoops = 1 });
        _transport.Start([new SipListenAddress(edge.Protocol, new IPEndPoint(localAddress, 0))]);
        _layer = new TransactionLayer(new TransactionContext(_transport, time, SipTimers.Default), this);
        Local = _transport.Bound[0].Address;
    }

    public SipEndpoint Edge { get; }
    public IPEndPoint Local { get; }
    internal TransactionLayer Layer => _layer;
    internal TimeProvider Time => _time;

    /// <summary>Calls <paramref name="request"/>.Number through the edge and returns when the call is over.</summary>
    public async Task<CallResult> CallAsync(CallRequest request, CancellationToken hangUp)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = new OutboundCall(this, request, NewId());
        _calls[call.CallId] = call;
        try
        {
            return await call.RunAsync(hangUp);
        }
        finally
        {
            _calls.TryRemove(call.CallId, out _);
        }
    }

    internal string Self => Local.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Local.Address}]:{Local.Port}" : Local.ToString();

    internal static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    internal ValueTask<bool> SendAsync(SipEndpoint destination, byte[] message) => _transport.SendAsync(destination, message);

    private void Receive(SipMessage message, SipEndpoint source)
    {
        if (message.IsRequest)
        {
            _layer.ReceiveRequest(message, source);
        }
        else
        {
            _layer.ReceiveResponse(message, source);
        }
    }

    void ITransactionUser.OnRequest(ServerTransaction? transaction, SipMessage request, SipEndpoint source)
    {
        if (transaction is null || request.Method == SipMethod.Ack)
        {
            return;
        }
        var known = _calls.TryGetValue(Encoding.UTF8.GetString(request.CallId), out var call);
        var (status, reason) = request.Method switch
        {
            SipMethod.Bye when known => (200, "OK"),
            SipMethod.Options => (200, "OK"),
            _ => (481, "Call/Transaction Does Not Exist"),
        };
        var buffer = new ArrayBufferWriter<byte>(512);
        ResponseBuilder.Write(request, status, Encoding.ASCII.GetBytes(reason), default, buffer);
        _ = transaction.RespondAsync(buffer.WrittenMemory.ToArray(), status);
        if (request.Method == SipMethod.Bye && known)
        {
            call!.RemoteHangUp();
        }
    }

    void ITransactionUser.OnAck(SipMessage ack, SipEndpoint source) { }

    void ITransactionUser.OnStrayResponse(SipMessage response, SipEndpoint source) { }

    public ValueTask DisposeAsync() => _transport.DisposeAsync();

    internal static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture).ReplaceLineEndings("\r\n");
}
