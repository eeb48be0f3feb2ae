using Dialer.Testing;
using System.Net;
using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Timing;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

/// <summary>
/// RFC 3261 §17 transactions (with RFC 6026) on a fake clock: timers A-K, ACK for non-2xx, absorption. Run twice: on
/// the clock's own timers, and through the edge's <see cref="TimerHeap"/> on that clock.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class TransactionTests(bool timerHeap) : ITransactionUser
{
    private static readonly SipEndpoint s_udpPeer = new(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 5099));
    private static readonly SipEndpoint s_tcpPeer = new(SipProtocol.Tcp, new IPEndPoint(IPAddress.Loopback, 5099));
    private ManualTimeProvider _clock = null!;
    private RecordingSender _sender = null!;
    private TransactionLayer _layer = null!;
    private readonly List<(ServerTransaction? Transaction, SipMessage Request)> _requests = [];
    private readonly List<SipMessage> _acks = [];
    private readonly List<SipMessage> _strays = [];
    private readonly List<int> _responses = [];
    private readonly List<TransactionError> _errors = [];

    [SetUp]
    public void CreateLayer()
    {
        _clock = new ManualTimeProvider();
        _sender = new RecordingSender();
        _layer = new TransactionLayer(new TransactionContext(_sender, timerHeap ? new TimerHeap(_clock) : _clock, SipTimers.Default), this);
        _requests.Clear();
        _acks.Clear();
        _strays.Clear();
        _responses.Clear();
        _errors.Clear();
    }

    public void OnRequest(ServerTransaction? transaction, SipMessage request, SipEndpoint source) => _requests.Add((transaction, request));
    public void OnAck(SipMessage ack, SipEndpoint source) => _acks.Add(ack);
    public void OnStrayResponse(SipMessage response, SipEndpoint source) => _strays.Add(response);

    private static string Request(string method, string branch = "z9hG4bKclient1") =>
        $"{method} sip:bob@192.0.2.20 SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch={branch}\nMax-Forwards: 70\nFrom: <sip:alice@a>;tag=f1\nTo: <sip:bob@b>\nCall-ID: call-1\nCSeq: 1 {method}\nContent-Length: 0\n\n";

    private static string Response(int status, string method, string branch = "z9hG4bKclient1", string toTag = "t1") =>
        $"SIP/2.0 {status} Reason\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch={branch}\nFrom: <sip:alice@a>;tag=f1\nTo: <sip:bob@b>;tag={toTag}\nCall-ID: call-1\nCSeq: 1 {method}\nContent-Length: 0\n\n";

    private Task<ClientTransaction> Send(string method, SipEndpoint peer) =>
        _layer.SendRequestAsync(Messages.Bytes(Request(method)), peer, (_, r) => _responses.Add(r.StatusCode), (_, e) => _errors.Add(e));

    private void Receive(string text, SipEndpoint? from = null)
    {
        var message = Messages.Parse(Messages.Bytes(text), SipFraming.Datagram, out _);
        if (message.IsRequest)
        {
            _layer.ReceiveRequest(message, from ?? s_udpPeer);
        }
        else
        {
            _layer.ReceiveResponse(message, from ?? s_udpPeer);
        }
    }

    /// <summary>Moves the clock in 100 ms steps so every timer fires at its own time.</summary>
    private void Advance(double seconds)
    {
        for (var t = 0.0; t < seconds - 1e-9; t += 0.1)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    [Test]
    public async Task InviteClient_OverUdp_RetransmitsWithTimerAUntilTimerB()
    {
        await Send("INVITE", s_udpPeer);
        Advance(31.9);
        // Sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s: A doubles with no cap.
        Assert.That(_sender.Count("INVITE"), Is.EqualTo(7));
        Assert.That(_errors, Is.Empty);
        Advance(0.2);
        Assert.That(_errors, Is.EqualTo(new[] { TransactionError.Timeout }));
        Assert.That(_layer.ClientCount, Is.Zero);
    }

    [Test]
    public async Task NonInviteClient_RetransmitsCappedAtT2UntilTimerF()
    {
        await Send("OPTIONS", s_udpPeer);
        Advance(31.9);
        // 0, 0.5, 1.5, 3.5, 7.5, then every 4 s: 11.5 ... 31.5.
        Assert.That(_sender.Count("OPTIONS"), Is.EqualTo(11));
        Advance(0.2);
        Assert.That(_errors, Is.EqualTo(new[] { TransactionError.Timeout }));
    }

    [Test]
    public async Task InviteClient_StopsRetransmittingOnAProvisionalResponse()
    {
        await Send("INVITE", s_udpPeer);
        Receive(Response(180, "INVITE"));
        Advance(10);
        Assert.That(_sender.Count("INVITE"), Is.EqualTo(1));
        Assert.That(_responses, Is.EqualTo(new[] { 180 }));
    }

    [Test]
    public async Task InviteClient_InProceeding_OutlivesTimerB_UntilTimerC()
    {
        await Send("INVITE", s_tcpPeer);
        Receive(Response(100, "INVITE"), s_tcpPeer);
        Advance(60);
        Assert.That(_errors, Is.Empty, "a ringing call waits past 64*T1 (RFC 3261 Figure 5: timer B only in Calling)");
        Assert.That(_layer.ClientCount, Is.EqualTo(1));
        Advance(119.8);
        Assert.That(_errors, Is.Empty);
        Advance(0.4);
        Assert.That(_errors, Is.EqualTo(new[] { TransactionError.Timeout }), "timer C, 3 min after the INVITE, bounds it");
        Assert.That(_layer.ClientCount, Is.Zero);
    }

    [Test]
    public async Task OverTcp_NothingIsRetransmitted()
    {
        await Send("INVITE", s_tcpPeer);
        await _layer.SendRequestAsync(Messages.Bytes(Request("OPTIONS", "z9hG4bKclient2")), s_tcpPeer, (_, r) => _responses.Add(r.StatusCode), (_, e) => _errors.Add(e));
        Advance(20);
        Assert.That(_sender.Count("INVITE"), Is.EqualTo(1));
        Assert.That(_sender.Count("OPTIONS"), Is.EqualTo(1));
    }

    [Test]
    public async Task InviteClient_AcksAFailureItself_AndAbsorbsItsRetransmissions()
    {
        await Send("INVITE", s_udpPeer);
        Receive(Response(100, "INVITE"));
        Receive(Response(486, "INVITE"));
        Receive(Response(486, "INVITE"));
        Receive(Response(180, "INVITE"));
        Assert.That(_responses, Is.EqualTo(new[] { 100, 486 }), "the TU sees the final once and no provisional after it");
        Assert.That(_sender.Count("ACK"), Is.EqualTo(2));
        var ack = _sender.Sent.Last(s => s.Text.StartsWith("ACK", StringComparison.Ordinal)).Text;
        Assert.That(ack, Does.Contain("CSeq: 1 ACK\r\n").And.Contain("To: <sip:bob@b>;tag=t1\r\n").And.Contain("branch=z9hG4bKclient1"));
        Advance(32.1);
        Assert.That(_layer.ClientCount, Is.Zero, "timer D ended it");
    }

    [Test]
    public async Task InviteClient_AfterA2xx_PassesRetransmitted2xxButNoLateProvisional()
    {
        await Send("INVITE", s_udpPeer);
        Receive(Response(200, "INVITE"));
        Receive(Response(180, "INVITE"));
        Receive(Response(200, "INVITE"));
        Assert.That(_responses, Is.EqualTo(new[] { 200, 200 }));
        Assert.That(_sender.Count("ACK"), Is.Zero, "the ACK for a 2xx is the TU's (RFC 3261 §13.2.2.4)");
        Advance(32.1);
        Receive(Response(200, "INVITE"));
        Assert.That(_strays, Has.Count.EqualTo(1), "after timer M a 2xx is stray");
    }

    [Test]
    public async Task TransportError_IsReportedAs503Material()
    {
        _sender.Fail = true;
        await Send("OPTIONS", s_udpPeer);
        Assert.That(_errors, Is.EqualTo(new[] { TransactionError.TransportError }));
    }

    [Test]
    public async Task NonInviteServer_AbsorbsRetransmissionsAndResendsTheFinalUntilTimerJ()
    {
        Receive(Request("OPTIONS"));
        Receive(Request("OPTIONS"));
        Assert.That(_requests, Has.Count.EqualTo(1), "the retransmission is absorbed");
        var transaction = _requests[0].Transaction!;
        Assert.That(transaction.Request.Method, Is.EqualTo(SipMethod.Options));
        await transaction.RespondAsync(Messages.Bytes(Response(200, "OPTIONS")), 200);
        Assert.That(() => transaction.Request, Throws.InvalidOperationException, "for timer J it keeps the response, not the request");
        Assert.That(await transaction.RespondAsync(Messages.Bytes(Response(500, "OPTIONS")), 500), Is.False, "nothing is answered twice");
        Receive(Request("OPTIONS"));
        Assert.That(_sender.Count("SIP/2.0 200"), Is.EqualTo(2));
        Assert.That(_sender.Count("SIP/2.0 500"), Is.Zero);
        Assert.That(_requests, Has.Count.EqualTo(1));
        Advance(32.1);
        Assert.That(_layer.ServerCount, Is.Zero);
        Receive(Request("OPTIONS"));
        Assert.That(_requests, Has.Count.EqualTo(2), "after timer J the same branch is a new request");
    }

    [Test]
    public async Task InviteServer_RetransmitsAFailureUntilAck_ThenTimerIEndsIt()
    {
        Receive(Request("INVITE"));
        var transaction = _requests.Single().Transaction!;
        await transaction.RespondAsync(Messages.Bytes(Response(100, "INVITE")), 100);
        Receive(Request("INVITE"));
        Assert.That(_sender.Count("SIP/2.0 100"), Is.EqualTo(2), "a retransmitted INVITE gets the last provisional again");
        await transaction.RespondAsync(Messages.Bytes(Response(486, "INVITE")), 486);
        Advance(1.6);
        Assert.That(_sender.Count("SIP/2.0 486"), Is.EqualTo(3), "timer G: at 0, 0.5 and 1.5 s");
        Receive(Request("ACK"));
        Assert.That(_acks, Is.Empty, "the ACK for a failure stays in the transaction");
        Assert.That(transaction.State, Is.EqualTo(TransactionState.Confirmed));
        Advance(10);
        Assert.That(_sender.Count("SIP/2.0 486"), Is.EqualTo(3));
        Assert.That(transaction.State, Is.EqualTo(TransactionState.Terminated));
    }

    [Test]
    public async Task InviteServer_WithoutAck_TimerHReportsIt()
    {
        Receive(Request("INVITE"));
        var transaction = _requests.Single().Transaction!;
        var timedOut = false;
        transaction.AckTimedOut += _ => timedOut = true;
        await transaction.RespondAsync(Messages.Bytes(Response(503, "INVITE")), 503);
        Advance(32.1);
        Assert.That(timedOut, Is.True);
        Assert.That(_layer.ServerCount, Is.Zero);
    }

    [Test]
    public async Task InviteServer_After2xx_AbsorbsTheInviteAndGivesTheAckToTheTu()
    {
        Receive(Request("INVITE"));
        var transaction = _requests.Single().Transaction!;
        await transaction.RespondAsync(Messages.Bytes(Response(200, "INVITE")), 200);
        Assert.That(await transaction.RespondAsync(Messages.Bytes(Response(200, "INVITE")), 200), Is.True, "2xx retransmission");
        Assert.That(await transaction.RespondAsync(Messages.Bytes(Response(486, "INVITE")), 486), Is.False);
        Receive(Request("INVITE"));
        Assert.That(_requests, Has.Count.EqualTo(1));
        Receive(Request("ACK"));
        Assert.That(_acks, Has.Count.EqualTo(1));
    }

    [Test]
    public void Cancel_FindsItsInviteTransaction()
    {
        Receive(Request("INVITE"));
        Receive(Request("CANCEL"));
        var cancel = _requests.Single(r => r.Request.Method == SipMethod.Cancel);
        Assert.That(cancel.Transaction, Is.Not.SameAs(_requests[0].Transaction), "CANCEL has its own transaction");
        Assert.That(_layer.FindInviteFor(cancel.Request), Is.SameAs(_requests[0].Transaction));
    }

    [Test]
    public void RequestWithoutMagicCookie_GoesToTheTuStatelessly()
    {
        Receive(Request("OPTIONS", branch: "1234"));
        Assert.That(_requests.Single().Transaction, Is.Null);
        Assert.That(Encoding.ASCII.GetString(_requests[0].Request.CallId), Is.EqualTo("call-1"));
    }

    [Test]
    public async Task AnsweredTransactions_WaitWithoutATimerEach_AndEndInTheOrderTheirWaitsRunOut()
    {
        var heap = new TimerHeap(_clock);
        _layer = new TransactionLayer(new TransactionContext(_sender, heap, SipTimers.Default), this);
        for (var i = 0; i < 50; i++)
        {
            Receive(Request("OPTIONS", branch: $"z9hG4bKwait{i}"));
            await _requests[^1].Transaction!.RespondAsync(Messages.Bytes(Response(200, "OPTIONS", branch: $"z9hG4bKwait{i}")), 200);
        }
        // Fifty transactions in timer J: one timer between them (the waits' own), none each.
        Assert.That(_layer.ServerCount, Is.EqualTo(50));
        Assert.That(heap.Count, Is.EqualTo(1));

        // A shorter wait that starts after the longer ones still ends first: a 5 s timer K among 32 s timer Js.
        var client = await Send("OPTIONS", s_udpPeer);
        Receive(Response(200, "OPTIONS"));
        Assert.That(_layer.ClientCount, Is.EqualTo(1));
        Advance(5.1);
        Assert.That(_layer.ClientCount, Is.Zero, "timer K");
        Assert.That(client.State, Is.EqualTo(TransactionState.Terminated));
        Assert.That(_layer.ServerCount, Is.EqualTo(50));

        // Retransmissions are still answered while they wait, and they end at timer J.
        Receive(Request("OPTIONS", branch: "z9hG4bKwait7"));
        Assert.That(_sender.Count("SIP/2.0 200"), Is.EqualTo(51));
        Advance(26.8);
        Assert.That(_layer.ServerCount, Is.EqualTo(50));
        Advance(0.2);
        Assert.That(_layer.ServerCount, Is.Zero);
        Assert.That(heap.Count, Is.Zero, "nothing left armed");
    }

    [Test]
    public async Task AWaitingTransactionDisposedEarly_IsEndedOnce()
    {
        var ended = 0;
        Receive(Request("OPTIONS"));
        var transaction = _requests.Single().Transaction!;
        transaction.Terminated += _ => ended++;
        await transaction.RespondAsync(Messages.Bytes(Response(200, "OPTIONS")), 200);
        transaction.Dispose();
        Assert.That(_layer.ServerCount, Is.Zero);
        Advance(32.1);
        Assert.That(ended, Is.EqualTo(1));
    }

    [Test]
    public void ServerKeys_FromMoreSendersThanTheSentByCacheHolds_StayApart()
    {
        static string From(string host, int port) =>
            Request("OPTIONS", branch: "z9hG4bKsame").Replace("192.0.2.10:5060", $"{host}:{port}", StringComparison.Ordinal);
        var senders = new[] { ("a.example", 5060), ("b.example", 5060), ("a.example", 5070), ("C.Example", 5060), ("d.example", 5060), ("e.example", 5060) };
        foreach (var (host, port) in senders)
        {
            Receive(From(host, port));
        }
        // One branch, six sent-bys: six transactions (RFC 3261 §17.2.3 matches on both).
        Assert.That(_layer.ServerCount, Is.EqualTo(6));
        // The first sender again, once the cache has turned over, and a case-changed host: both retransmissions.
        Receive(From("a.example", 5060));
        Receive(From("c.example", 5060));
        Assert.That(_layer.ServerCount, Is.EqualTo(6));
        Assert.That(_requests, Has.Count.EqualTo(6));
    }
}
