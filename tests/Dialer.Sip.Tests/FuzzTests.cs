using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using Dialer.Sip.Uris;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

/// <summary>
/// The parser and every typed accessor the edge uses, over mutated RFC 4475 torture messages and our own (issue 13):
/// nothing throws, whatever arrives, in datagram and in stream framing. The count is bounded here; set
/// DIALER_FUZZ_MESSAGES for a long run.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string s_folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Torture");

    public static IReadOnlyList<byte[]> Seeds() => [.. Directory.GetFiles(s_folder, "*.sip").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("DIALER_FUZZ_MESSAGES"), out var n) && n > 0 ? n : 30_000;

    [Test]
    public void MutatedMessages_NeverThrow_InTheParserOrTheAccessors()
    {
        var mutator = new SipMutator(Seeds(), seed: 4475);
        var message = new SipMessage();
        var complete = 0;
        for (var i = 0; i < Count; i++)
        {
            var bytes = mutator.Next();
            try
            {
                var status = SipParser.Parse(bytes, SipFraming.Datagram, message, out _);
                if (status == ParseStatus.Complete)
                {
                    complete++;
                    Touch(message);
                }
                // The same bytes as a TCP stream: frame after frame until it needs more or gives up.
                var offset = 0;
                for (var frames = 0; frames < 16 && offset < bytes.Length; frames++)
                {
                    var streamStatus = SipParser.Parse(bytes.AsMemory(offset), SipFraming.Stream, message, out var consumed);
                    if (streamStatus != ParseStatus.Complete || consumed <= 0)
                    {
                        break;
                    }
                    Touch(message);
                    offset += consumed;
                }
            }
            catch (Exception error)
            {
                Assert.Fail($"iteration {i} threw {error.GetType().Name}: {error.Message}\n{Convert.ToBase64String(bytes)}");
            }
        }
        Assert.That(complete, Is.GreaterThan(Count / 10), "enough mutants still parse to reach the accessors");
    }

    /// <summary>What the edge reads from a message on its way through.</summary>
    private static void Touch(SipMessage message)
    {
        _ = SipMessageValidator.Validate(message);
        var span = message.Span;
        _ = message.TryGetCSeq(out _);
        _ = message.CallId.Length;
        _ = message.MaxForwards;
        _ = message.Expires;
        if (message.TryGetTopVia(out var top))
        {
            _ = top.HostText(span);
            _ = top.Branch.Of(span).Length;
        }
        foreach (var element in message.Elements(HeaderKind.Via))
        {
            _ = ViaHeader.TryParse(span, element, out _);
        }
        foreach (var kind in new[] { HeaderKind.Contact, HeaderKind.Route, HeaderKind.RecordRoute })
        {
            foreach (var element in message.Elements(kind))
            {
                if (NameAddress.TryParse(span, element, out var address))
                {
                    _ = SipUri.TryParse(address.Uri.Of(span), out _);
                    _ = address.Tag(span);
                }
            }
        }
        if (message.TryGetFrom(out var from))
        {
            _ = from.Tag(span);
            _ = SipUri.TryParse(from.Uri.Of(span), out _);
        }
        if (message.TryGetTo(out var to))
        {
            _ = to.Tag(span);
        }
        if (message.IsRequest)
        {
            _ = SipUri.TryParse(message.RequestUri.Of(span), out _);
        }
    }
}
