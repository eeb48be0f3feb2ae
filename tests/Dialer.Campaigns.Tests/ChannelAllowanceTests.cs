using System.Net;
using System.Text;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Campaigns.Tests;

/// <summary>
/// The run's view of the edge's channels, from scripted <c>/api/channels</c> answers: leads are routed by the longest
/// dial prefix, a trunk's limit is the campaign's calls there plus what the edge still admits, and a failed read keeps
/// the last figures instead of letting every trunk fill up.
/// </summary>
public sealed class ChannelAllowanceTests
{
    private const string TwoTrunks = """
        [{"trunk":"a","dialPrefix":"9","active":true,"cpsCap":0,"campaignInUse":2,"available":1},
         {"trunk":"b","dialPrefix":"91","active":true,"cpsCap":5,"campaignInUse":0,"available":0}]
        """;

    [Test]
    public async Task LeadsGoByTheLongestPrefix_AndEachTrunkIsBoundByWhatTheEdgeAdmits()
    {
        var edge = new ScriptedEdge(TwoTrunks);
        using var allowance = new ChannelAllowance(edge.Client(), "demo", new ManualTimeProvider());
        await allowance.RefreshAsync(CancellationToken.None);

        Assert.That(edge.Paths, Is.EqualTo(new[] { "/api/channels?campaign=demo" }));
        Assert.That(allowance.TrunkOf("915551000"), Is.EqualTo("b"));
        Assert.That(allowance.TrunkOf("925551000"), Is.EqualTo("a"));
        Assert.That(allowance.TrunkOf("15551000"), Is.Null, "no trunk's prefix: the edge decides");
        Assert.That(allowance.Allows("a", 2), Is.True, "2 of the campaign's calls up and 1 more admitted: a third may start");
        Assert.That(allowance.Allows("a", 3), Is.False);
        Assert.That(allowance.Allows("b", 0), Is.False, "nothing available on b");
        Assert.That(allowance.CpsCapOf("b"), Is.EqualTo(5));
        Assert.That(allowance.Allows("gone", 50), Is.True, "a trunk the edge did not report is left to the edge");
    }

    [Test]
    public async Task AFailedRead_KeepsTheLastFigures_AndReadsAreAtMostOncePerSecond()
    {
        var edge = new ScriptedEdge(TwoTrunks, null, """[{"trunk":"a","dialPrefix":"9","active":true,"cpsCap":0,"campaignInUse":0,"available":10}]""");
        var time = new ManualTimeProvider();
        using var allowance = new ChannelAllowance(edge.Client(), "demo", time);
        await allowance.RefreshAsync(CancellationToken.None);
        await allowance.RefreshAsync(CancellationToken.None);
        Assert.That(edge.Paths, Has.Count.EqualTo(1), "a second read within the second is skipped");

        time.Advance(TimeSpan.FromSeconds(1));
        await allowance.RefreshAsync(CancellationToken.None);
        Assert.That(edge.Paths, Has.Count.EqualTo(2));
        Assert.That(allowance.Problem, Does.Contain("503"));
        Assert.That(allowance.Allows("a", 3), Is.False, "the edge could not be read: the last limit (3) still holds");
        Assert.That(allowance.TrunkOf("915551000"), Is.EqualTo("b"));

        time.Advance(TimeSpan.FromSeconds(1));
        await allowance.RefreshAsync(CancellationToken.None);
        Assert.That(allowance.Allows("a", 9), Is.True, "a good read replaces the figures");
        Assert.That(allowance.TrunkOf("915551000"), Is.EqualTo("a"), "b is no longer reported");
    }

    /// <summary>Answers each request with the next scripted body; null answers 503.</summary>
    private sealed class ScriptedEdge(params string?[] bodies) : HttpMessageHandler
    {
        private int _next;

        public List<string> Paths { get; } = [];

        public HttpClient Client() => new(this) { BaseAddress = new Uri("http://127.0.0.1:1") };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Paths.Add(request.RequestUri!.PathAndQuery);
            var body = bodies[Math.Min(_next++, bodies.Length - 1)];
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
