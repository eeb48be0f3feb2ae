using Dialer.Sip.Message;
using Dialer.Sip.Parsing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

/// <summary>RFC 4475 torture messages (byte-exact from the RFC's archive) and our own, with the RFC's expected outcome.</summary>
public sealed class TortureTests
{
    private static readonly string s_folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Torture");

    public static IEnumerable<TestCaseData> Cases() =>
        File.ReadAllLines(Path.Combine(s_folder, "expected.tsv")).Skip(1).Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .Select(f => new TestCaseData(f[0], f[1], f[2]).SetName($"Torture_{f[0]}_{f[2]}").SetDescription(f[3]));

    [TestCaseSource(nameof(Cases))]
    public void Message_GetsTheOutcomeTheRfcAsksFor(string name, string kind, string outcome)
    {
        var bytes = File.ReadAllBytes(Path.Combine(s_folder, name + ".sip"));
        var message = new SipMessage();
        var status = SipParser.Parse(bytes, SipFraming.Datagram, message, out var consumed);
        Assert.That(consumed, Is.EqualTo(bytes.Length), "a datagram is consumed whole");
        var fault = status == ParseStatus.Complete ? SipMessageValidator.Validate(message) : message.Fault;
        switch (outcome)
        {
            case "valid":
                Assert.That(status, Is.EqualTo(ParseStatus.Complete));
                Assert.That(fault.IsFault, Is.False, fault.ReasonPhrase);
                Assert.That(message.IsRequest, Is.EqualTo(kind == "request"));
                break;
            case "drop":
                Assert.That(message.IsRequest, Is.False);
                Assert.That(status == ParseStatus.Invalid || fault.IsFault, Is.True, "a broken response is dropped");
                break;
            default:
                var expected = int.Parse(outcome["invalid-".Length..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.That(message.IsRequest, Is.True);
                Assert.That(status, Is.EqualTo(ParseStatus.Complete), "a faulty request is still framed, so it can be answered");
                Assert.That(fault.StatusCode, Is.EqualTo(expected), fault.ReasonPhrase);
                Assert.That(message.IndexOf(HeaderKind.Via), Is.GreaterThanOrEqualTo(0), "the answer needs a Via");
                break;
        }
    }
}
