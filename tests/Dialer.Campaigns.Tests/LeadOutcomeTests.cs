using NUnit.Framework;

namespace Dialer.Campaigns.Tests;

/// <summary>Final answers to outcomes: the edge's own capacity refusals are trunk full, not the lead's fault.</summary>
public sealed class LeadOutcomeTests
{
    [TestCase(200, "", LeadOutcome.Answered)]
    [TestCase(486, "", LeadOutcome.Busy)]
    [TestCase(600, "", LeadOutcome.Busy)]
    [TestCase(487, "", LeadOutcome.NoAnswer)]
    [TestCase(480, "", LeadOutcome.NoAnswer)]
    [TestCase(408, "", LeadOutcome.NoAnswer)]
    [TestCase(503, "channel cap", LeadOutcome.TrunkFull)]
    [TestCase(503, "CPS cap", LeadOutcome.TrunkFull)]
    [TestCase(503, "allocation", LeadOutcome.TrunkFull)]
    [TestCase(503, "no healthy server", LeadOutcome.Failed)]
    [TestCase(503, "", LeadOutcome.Rejected)]
    [TestCase(404, "", LeadOutcome.Rejected)]
    [TestCase(488, "", LeadOutcome.Rejected)]
    public void OfFinal(int status, string reason, string outcome) => Assert.That(LeadOutcome.OfFinal(status, reason), Is.EqualTo(outcome));

    [Test]
    public void OnlyTheLeadsOwnFailures_AreRecycled() =>
        Assert.That(LeadOutcome.All.Where(LeadOutcome.IsRetryable), Is.EqualTo(new[] { LeadOutcome.Busy, LeadOutcome.NoAnswer, LeadOutcome.Failed }));
}
