using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Uris;

namespace Dialer.Campaigns.Calls;

/// <summary>
/// One call from the dialer: INVITE through the edge (with X-Dialer-Campaign), then either a final failure, a
/// CANCEL when nobody answers within the dial timeout, or a 200 OK that is ACKed, held for the talk time and ended
/// with BYE (or ended by the far end's BYE). In-dialog requests follow the 2xx's Record-Route and Contact.
/// </summary>
internal sealed partial class OutboundCall
{
    private static readonly TimeSpan s_endWait = TimeSpan.FromSeconds(8);
    private readonly SipDialer _dialer;
    private readonly CallRequest _request;
    private readonly string _tag = SipDialer.NewId();
    private readonly TaskCompletionSource<SipMessage?> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _remoteBye = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _provisionalSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _provisional;
    private string _error = "";
    private byte[]? _ack;
    private Dialog? _dialog;

    public OutboundCall(SipDialer dialer, CallRequest request, string id)
    {
        _dialer = dialer;
        _request = request;
        CallId = $"{id}@{dialer.Self}";
    }

    public string CallId { get; }

    public void RemoteHangUp() => _remoteBye.TrySetResult();

    public async Task<CallResult> RunAsync(CancellationToken abort)
    {
        var time = _dialer.Time;
        var started = time.GetUtcNow();
        ClientTransaction invite;
        try
        {
            invite = await _dialer.Layer.SendRequestAsync(BuildInvite(), _dialer.Edge, OnResponse, OnError);
        }
        catch (Exception error) when (error is SocketException or IOException or InvalidOperationException)
        {
            return Result(LeadOutcome.Failed, null, $"could not send: {error.Message}", started, null);
        }
        using (invite)
        {
            var final = await WaitAsync(_final.Task, _request.DialTimeout, abort);
            if (final is null && !_final.Task.IsCompleted && !_provisional)
            {
                // A CANCEL may only follow a provisional response (RFC 3261 §9.1): a late edge still gets time to
                // answer, so that a call it did place is cancelled or ended, never left up at the carrier.
                await WaitAsync(Task.WhenAny(_final.Task, _provisionalSeen.Task), s_endWait, CancellationToken.None);
                if (!_final.Task.IsCompleted && !_provisional)
                {
                    return Result(LeadOutcome.Failed, null, "no response from the edge", started, null);
                }
            }
            if (final is null && !_final.Task.IsCompleted)
            {
                await SendCancelAsync(invite);
                final = await WaitAsync(_final.Task, s_endWait, CancellationToken.None);
                if (final is null || final.StatusCode == 487)
                {
                    return Result(LeadOutcome.NoAnswer, final?.StatusCode, $"no answer within {_request.DialTimeout.TotalSeconds:0} s (CANCEL sent)", started, null);
                }
                // The final answer crossed the CANCEL (answered or refused meanwhile): that answer is the outcome.
            }
            final ??= _final.Task.Result;
            if (final is null)
            {
                return Result(LeadOutcome.Failed, null, _error, started, null);
            }
            if (final.StatusCode is >= 200 and < 300)
            {
                return await TalkAsync(final, started, abort);
            }
            var reasonText = ReasonText(final);
            var phrase = $"{final.StatusCode} {final.Text(final.Reason)}".TrimEnd();
            return Result(LeadOutcome.OfFinal(final.StatusCode, reasonText), final.StatusCode, reasonText.Length > 0 ? $"{phrase} ({reasonText})" : phrase,
                started, null, RetryAfter(final));
        }
    }

    private async Task<CallResult> TalkAsync(SipMessage ok, DateTimeOffset started, CancellationToken abort)
    {
        var answered = _dialer.Time.GetUtcNow();
        var dialog = _dialog!;
        var remote = await Task.WhenAny(_remoteBye.Task, Task.Delay(_request.TalkTime, _dialer.Time, abort).ContinueWith(_ => { }, TaskScheduler.Default));
        if (remote == _remoteBye.Task)
        {
            return Result(LeadOutcome.Answered, ok.StatusCode, "answered; the far end hung up", started, answered);
        }
        var bye = dialog.Request("BYE", 2, _dialer, _tag, CallId);
        var done = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            using var transaction = await _dialer.Layer.SendRequestAsync(bye, dialog.NextHop, (_, r) =>
            {
                if (r.StatusCode >= 200)
                {
                    done.TrySetResult(r.StatusCode);
                }
            }, (_, _) => done.TrySetResult(null));
            var code = await WaitAsync(done.Task, s_endWait, CancellationToken.None);
            var reason = code is >= 200 and < 300 ? "answered; BYE after the talk time" : "answered; BYE not confirmed";
            return Result(LeadOutcome.Answered, ok.StatusCode, reason, started, answered);
        }
        catch (Exception error) when (error is SocketException or IOException or InvalidOperationException)
        {
            return Result(LeadOutcome.Answered, ok.StatusCode, $"answered; BYE not sent: {error.Message}", started, answered);
        }
    }

    private void OnResponse(ClientTransaction transaction, SipMessage response)
    {
        if (response.StatusCode < 200)
        {
            _provisional = true;
            _provisionalSeen.TrySetResult();
            return;
        }
        if (response.StatusCode < 300)
        {
            // The 2xx's ACK belongs to the dialog (RFC 3261 §13.2.2.4); a retransmitted 2xx gets the same ACK again.
            if (_ack is null)
            {
                _dialog = Dialog.From(response, _dialer.Edge);
                _ack = _dialog.Request("ACK", 1, _dialer, _tag, CallId);
            }
            _ = _dialer.SendAsync(_dialog!.NextHop, _ack).AsTask();
        }
        _final.TrySetResult(response);
    }

    private void OnError(ClientTransaction transaction, TransactionError error)
    {
        _error = error == TransactionError.Timeout ? "no final answer from the edge (transaction timeout)" : "transport error";
        _final.TrySetResult(null);
    }

    private async Task SendCancelAsync(ClientTransaction invite)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        Dialer.Sip.Writing.RequestBuilder.Cancel(invite.Request, buffer);
        try
        {
            using var cancel = await _dialer.Layer.SendRequestAsync(buffer.WrittenMemory.ToArray(), _dialer.Edge, (_, _) => { }, (_, _) => { });
            await WaitAsync(_final.Task, s_endWait, CancellationToken.None);
        }
        catch (Exception error) when (error is SocketException or IOException or InvalidOperationException)
        {
        }
    }

    /// <summary>The task's result, or default (null) when it does not finish within the time or the wait is aborted.</summary>
    private static async Task<T?> WaitAsync<T>(Task<T> task, TimeSpan within, CancellationToken abort)
    {
        try
        {
            return await task.WaitAsync(within, abort);
        }
        catch (Exception error) when (error is TimeoutException or OperationCanceledException)
        {
            return default;
        }
    }

    private CallResult Result(string outcome, int? code, string reason, DateTimeOffset started, DateTimeOffset? answered, TimeSpan? retryAfter = null) =>
        new(outcome, code, reason, CallId, started, answered, _dialer.Time.GetUtcNow(), retryAfter);

    private byte[] BuildInvite()
    {
        var edge = _dialer.Edge.Address;
        var self = _dialer.Self;
        var media = $"v=0\r\no=dialer {_tag.GetHashCode(StringComparison.Ordinal) & 0x7fffffff} 1 IN IP4 {_dialer.Local.Address}\r\ns=-\r\n" +
            $"c=IN IP4 {_dialer.Local.Address}\r\nt=0 0\r\nm=audio {_dialer.Local.Port + 2} RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";
        var text = SipDialer.Format($"""
            INVITE sip:{_request.Number}@{edge} SIP/2.0
            Via: SIP/2.0/UDP {self};branch=z9hG4bK{SipDialer.NewId()};rport
            Max-Forwards: 70
            From: <sip:dialer@{self}>;tag={_tag}
            To: <sip:{_request.Number}@{edge}>
            Call-ID: {CallId}
            CSeq: 1 INVITE
            Contact: <sip:dialer@{self}>
            X-Dialer-Campaign: {_request.Campaign}
            Allow: INVITE, ACK, CANCEL, BYE, OPTIONS
            User-Agent: Dialer campaign
            Content-Type: application/sdp
            Content-Length: {Encoding.ASCII.GetByteCount(media)}


            """) + media;
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The text="..." of a Reason header (RFC 3326), or "".</summary>
    private static string ReasonText(SipMessage response) =>
        response.GetValue(HeaderKind.Reason) is { } value && ReasonTextPattern().Match(value) is { Success: true } match ? match.Groups[1].Value : "";

    private static TimeSpan? RetryAfter(SipMessage response) =>
        response.GetValue("Retry-After") is { } value && int.TryParse(value.Split([' ', ';', '('], 2)[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, 3600))
            : null;

    [GeneratedRegex("text=\"([^\"]*)\"")]
    private static partial Regex ReasonTextPattern();

    /// <summary>The dialog a 2xx set up: remote target, route set (Record-Route reversed), remote To, next hop.</summary>
    private sealed record Dialog(string RemoteTarget, IReadOnlyList<string> Routes, string To, SipEndpoint NextHop)
    {
        public static Dialog From(SipMessage ok, SipEndpoint edge)
        {
            var routes = new List<string>();
            foreach (var element in ok.Elements(HeaderKind.RecordRoute))
            {
                routes.Add(ok.Text(element).Trim());
            }
            routes.Reverse();
            var target = $"sip:{edge.Address}";
            foreach (var element in ok.Elements(HeaderKind.Contact))
            {
                if (NameAddress.TryParse(ok.Span, element, out var contact))
                {
                    target = ok.Text(contact.Uri);
                }
                break;
            }
            var hop = routes.Count > 0 ? UriOf(routes[0]) : target;
            var next = SipUri.TryParse(hop, out var uri) && IPAddress.TryParse(uri.HostWithoutBrackets, out var ip)
                ? new SipEndpoint(edge.Protocol, new IPEndPoint(ip, uri.Port ?? 5060))
                : edge;
            return new Dialog(target, routes, ok.GetValue(HeaderKind.To) ?? "", next);
        }

        public byte[] Request(string method, int cseq, SipDialer dialer, string tag, string callId)
        {
            var route = string.Concat(Routes.Select(r => $"Route: {r}\r\n"));
            return Encoding.UTF8.GetBytes(SipDialer.Format($"""
                {method} {RemoteTarget} SIP/2.0
                Via: SIP/2.0/UDP {dialer.Self};branch=z9hG4bK{SipDialer.NewId()};rport
                {route}Max-Forwards: 70
                From: <sip:dialer@{dialer.Self}>;tag={tag}
                To: {To}
                Call-ID: {callId}
                CSeq: {cseq} {method}
                Content-Length: 0


                """));
        }

        private static string UriOf(string nameAddress)
        {
            var open = nameAddress.IndexOf('<', StringComparison.Ordinal);
            var close = nameAddress.IndexOf('>', StringComparison.Ordinal);
            return open >= 0 && close > open ? nameAddress[(open + 1)..close] : nameAddress.Split(';')[0];
        }
    }
}
