using System.Text;
using BenchmarkDotNet.Attributes;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Writing;

namespace Dialer.Sip.Benchmarks;

/// <summary>
/// Parse of a typical INVITE with SDP (about 900 bytes) and of a 200 OK, with and without the accesses every
/// element makes (top Via, CSeq, Call-ID, From/To tags); and writing a response built from the INVITE.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks : IDisposable
{
    private readonly byte[] _invite = Encoding.ASCII.GetBytes(SampleMessages.Invite);
    private readonly byte[] _ok = Encoding.ASCII.GetBytes(SampleMessages.Ok);
    private readonly SipMessage _reused = new();
    private readonly SipMessage _request = new();
    private readonly PooledBuffer _buffer = new(2048);

    [GlobalSetup]
    public void Setup()
    {
        if (_invite.Length is < 850 or > 1000)
        {
            throw new InvalidOperationException($"sample INVITE is {_invite.Length} bytes, meant to be about 900");
        }
        SipParser.Parse(_invite, SipFraming.Datagram, _request, out _);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _buffer.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "INVITE: index headers (reused message)")]
    public int ParseInviteReused() => SipParser.Parse(_invite, SipFraming.Datagram, _reused, out _) == ParseStatus.Complete ? _reused.HeaderCount : -1;

    [Benchmark(Description = "INVITE: index + Via/CSeq/Call-ID/From/To (new message)")]
    public int ParseInviteAndAccess() => ParseAndAccess(_invite, new SipMessage());

    [Benchmark(Description = "INVITE: index + Via/CSeq/Call-ID/From/To (reused message)")]
    public int ParseInviteAndAccessReused() => ParseAndAccess(_invite, _reused);

    [Benchmark(Description = "200 OK: index + Via/CSeq/Call-ID/From/To (reused message)")]
    public int ParseOkAndAccess() => ParseAndAccess(_ok, _reused);

    [Benchmark(Description = "486 response built from the INVITE")]
    public int WriteResponse()
    {
        _buffer.Reset();
        ResponseBuilder.Write(_request, 486, "Busy Here"u8, "a8f3c2"u8, _buffer);
        return _buffer.WrittenCount;
    }

    private static int ParseAndAccess(byte[] bytes, SipMessage message)
    {
        if (SipParser.Parse(bytes, SipFraming.Datagram, message, out _) != ParseStatus.Complete)
        {
            return -1;
        }
        var span = message.Span;
        var sum = message.TryGetTopVia(out var via) ? via.Branch.Length + via.Port : 0;
        sum += message.TryGetCSeq(out var cseq) ? (int)cseq.Number & 0xFF : 0;
        sum += message.CallId.Length;
        sum += message.TryGetFrom(out NameAddress from) ? from.Tag(span).Length : 0;
        sum += message.TryGetTo(out NameAddress to) ? to.Tag(span).Length : 0;
        return sum;
    }
}
