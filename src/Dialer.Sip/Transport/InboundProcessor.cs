using System.Net;
using System.Text;
using Dialer.Sip.Diagnostics;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Writing;

namespace Dialer.Sip.Transport;

/// <summary>
/// The one path from received bytes to the core: parse, validate, answer a broken request statelessly with the
/// RFC's status (400/416/505/513, reason naming the fault), drop a broken response, deliver the rest.
/// Nothing thrown here escapes to a receive loop.
/// </summary>
internal sealed class InboundProcessor(Action<SipMessage, SipEndpoint> deliver, ISipSender sender, SipMetrics? metrics = null, ISipTap? tap = null)
{
    private static readonly IPEndPoint s_unknownLocal = new(IPAddress.Any, 0);

    private long _malformed;

    public long MalformedCount => Interlocked.Read(ref _malformed);

    private long _failed;

    /// <summary>Messages whose handling threw (a bug: the message was lost, the edge went on); also counted as malformed.</summary>
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <summary>
    /// Handles one complete or invalid parse result. Returns false when the message was refused. The tap sees it first,
    /// malformed or not, at <paramref name="local"/> (the socket address it arrived at; unknown when not given).
    /// </summary>
    public bool Process(SipMessage message, ParseStatus status, SipEndpoint source, IPEndPoint? local = null)
    {
        try
        {
            tap?.Capture(source.Protocol, source.Address, local ?? s_unknownLocal, message.Length > 0 ? message.Data.Span : message.Span);
            var fault = status == ParseStatus.Complete ? SipMessageValidator.Validate(message) : message.Fault;
            if (status == ParseStatus.Complete && !fault.IsFault)
            {
                if (message.IsRequest)
                {
                    metrics?.RequestReceived(message);
                }
                deliver(message, source);
                return true;
            }
            Interlocked.Increment(ref _malformed);
            metrics?.ParseFailed(fault.Fault);
            if (message.IsRequest && message.Method != SipMethod.Ack && message.IndexOf(HeaderKind.Via) >= 0)
            {
                Reject(message, fault, source);
            }
            return false;
        }
#pragma warning disable CA1031 // A receive loop must survive any bug in a handler; the message is lost, not the edge.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _malformed);
            Interlocked.Increment(ref _failed);
            metrics?.ProcessingFailed();
            return false;
        }
    }

    private void Reject(SipMessage request, SipFault fault, SipEndpoint source)
    {
        using var buffer = new PooledBuffer(512);
        ResponseBuilder.Write(request, fault.StatusCode, Encoding.UTF8.GetBytes(fault.ReasonPhrase), "reject"u8, buffer, default, default, source.Address);
        var bytes = buffer.WrittenSpan.ToArray();
        _ = sender.SendAsync(ResponseDestination.For(request, source), bytes).AsTask();
    }
}
