using System.Net;
using Dialer.Edge.Core;
using Dialer.Sip.Message;
using Dialer.Sip.Transport;
using Dialer.Testing;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>Refusal logs on a manual clock: one line per source per interval with a count, bounded, forgotten when quiet.</summary>
public sealed class RefusalLogTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    private static SipEndpoint From(string address, int port = 5060) => new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse(address), port));

    [Test]
    public void AFlood_IsOneLineAtOnce_ThenOneCountPerInterval_ThenNothing()
    {
        var clock = new ManualTimeProvider();
        var lines = new Lines();
        var log = new RefusalLog(clock, lines, Interval);
        for (var i = 0; i < 50_000; i++)
        {
            log.Refused(From("203.0.113.9", 1000 + (i % 100)), SipMethod.Invite, 403);
        }
        Assert.That(lines.All, Has.Count.EqualTo(1), "the first refusal is logged at once, the rest wait for the interval");
        Assert.That(lines.All[0], Does.Contain("203.0.113.9").And.Contain("403"));

        clock.Advance(Interval);
        Assert.That(lines.All, Has.Count.EqualTo(2));
        Assert.That(lines.All[1], Does.Contain("49999 more").And.Contain("203.0.113.9"));

        clock.Advance(Interval); // a quiet interval: the source is forgotten, nothing logged
        clock.Advance(Interval);
        Assert.That(lines.All, Has.Count.EqualTo(2));
        Assert.That(log.Sources, Is.Zero);
        Assert.That(log.Total, Is.EqualTo(50_000));

        log.Refused(From("203.0.113.9"), SipMethod.Register, 481);
        Assert.That(lines.All, Has.Count.EqualTo(3), "back after a quiet interval: logged at once again");
    }

    [Test]
    public void SourcesPastTheBound_AreSummedInOneLine()
    {
        var clock = new ManualTimeProvider();
        var lines = new Lines();
        var log = new RefusalLog(clock, lines, Interval, capacity: 10);
        for (var i = 0; i < 1_000; i++)
        {
            log.Refused(From($"198.51.{i / 250}.{i % 250}"), SipMethod.Options, 403);
        }
        Assert.That(log.Sources, Is.EqualTo(10), "tracked sources are bounded");
        Assert.That(lines.All, Has.Count.EqualTo(10));
        clock.Advance(Interval);
        Assert.That(lines.All, Has.Count.EqualTo(11), "the 990 others in one line, the tracked ones had nothing more");
        Assert.That(lines.All[^1], Does.Contain("990 requests"));
    }

    private sealed class Lines : ILogger<RefusalLog>
    {
        public List<string> All { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (All)
            {
                All.Add(formatter(state, exception));
            }
        }
    }
}
