using System.Collections.Concurrent;
using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;

namespace Dialer.Testing;

/// <summary>
/// A user agent server built only from Dialer.Sip: answers INVITE with 100/180/200 (retransmitting the 2xx over
/// UDP until the ACK, RFC 3261 §13.3.1.4), BYE and OPTIONS with 200, CANCEL with 200 + 487.
/// </summary>
public sealed class TestUas : ITransactionUser, IAsyncDisposable
{
    private const string Sdp = "v=0\r\no=uas 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _unacked = new();
    private readonly TransactionLayer _layer;
    private readonly TimeProvider _time;
    private long _answered;
    private long _acked;
    private long _byes;

    private TestUas(SipTransportHost host, TimeProvider time)
    {
        Host = host;
        _time = time;
        _layer = new TransactionLayer(new TransactionContext(host, time, SipTimers.Default), this);
    }

    public SipTransportHost Host { get; }
    public long Answered => Interlocked.Read(ref _answered);
    public long Acked => Interlocked.Read(ref _acked);
    public long Byes => Interlocked.Read(ref _byes);

    public static TestUas Start(params string[] listen) => Start(new SipTransportOptions(), listen);

    /// <param name="options">Transport options (TLS certificates and client policies in the TLS tests).</param>
    /// <param name="listen">Listen addresses as configured.</param>
    public static TestUas Start(SipTransportOptions options, params string[] listen)
    {
        TestUas? uas = null;
        var host = new SipTransportHost((message, source) => uas!.Receive(message, source), options);
        uas = new TestUas(host, TimeProvider.System);
        host.Start(listen.Select(l => SipListenAddress.TryParse(l, out var a) ? a : throw new ArgumentException(l)));
        return uas;
    }

    public int Port(SipProtocol protocol) => Host.Bound.First(b => b.Protocol == protocol).Address.Port;

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

    public void OnRequest(ServerTransaction? transaction, SipMessage request, SipEndpoint source)
    {
        if (transaction is null)
        {
            return;
        }
        switch (request.Method)
        {
            case SipMethod.Invite:
                _ = AnswerInviteAsync(transaction, request);
                break;
            case SipMethod.Bye:
                Interlocked.Increment(ref _byes);
                _ = Respond(transaction, request, 200, "OK");
                break;
            case SipMethod.Cancel:
                _ = Respond(transaction, request, 200, "OK");
                if (_layer.FindInviteFor(request) is { } invite)
                {
                    _ = Respond(invite, invite.Request, 487, "Request Terminated");
                }
                break;
            default:
                _ = Respond(transaction, request, 200, "OK");
                break;
        }
    }

    public void OnAck(SipMessage ack, SipEndpoint source)
    {
        if (_unacked.TryRemove(Encoding.ASCII.GetString(ack.CallId), out var retransmit))
        {
            Interlocked.Increment(ref _acked);
            retransmit.Cancel();
        }
    }

    public void OnStrayResponse(SipMessage response, SipEndpoint source)
    {
    }

    private async Task AnswerInviteAsync(ServerTransaction transaction, SipMessage request)
    {
        await Respond(transaction, request, 100, "Trying");
        await Respond(transaction, request, 180, "Ringing");
        var ok = Build(request, 200, "OK", Encoding.ASCII.GetBytes(Sdp), "Content-Type: application/sdp",
            $"Contact: <sip:uas@127.0.0.1:{transaction.Peer.Address.Port};transport={transaction.Peer.ProtocolName.ToLowerInvariant()}>");
        var callId = Encoding.ASCII.GetString(request.CallId);
        var retransmit = new CancellationTokenSource();
        _unacked[callId] = retransmit;
        await transaction.RespondAsync(ok, 200);
        Interlocked.Increment(ref _answered);
        if (!transaction.Peer.IsReliable)
        {
            // RFC 3261 §13.3.1.4: the UAS core retransmits the 2xx, T1 doubling to T2, until the ACK.
            var interval = SipTimers.Default.T1;
            try
            {
                for (var elapsed = TimeSpan.Zero; elapsed < SipTimers.Default.TransactionTimeout; elapsed += interval)
                {
                    await Task.Delay(interval, _time, retransmit.Token);
                    await transaction.RespondAsync(ok, 200);
                    interval = SipTimers.Default.Next(interval);
                }
            }
            catch (OperationCanceledException)
            {
                // ACK arrived.
            }
        }
    }

    private static Task<bool> Respond(ServerTransaction transaction, SipMessage request, int status, string reason) =>
        transaction.RespondAsync(Build(request, status, reason, default), status);

    private static byte[] Build(SipMessage request, int status, string reason, ReadOnlySpan<byte> body, params string[] headers)
    {
        using var buffer = new PooledBuffer();
        ResponseBuilder.Write(request, status, Encoding.ASCII.GetBytes(reason), "uas-tag"u8, buffer, headers, body);
        return buffer.WrittenSpan.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pending in _unacked.Values)
        {
            await pending.CancelAsync();
        }
        await Host.DisposeAsync();
    }
}
