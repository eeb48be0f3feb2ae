using Dialer.Health;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using NUnit.Framework;

namespace Dialer.Health.Tests;

/// <summary>The state machine at its exact thresholds (Kamailio dispatcher semantics).</summary>
public sealed class ServerHealthMachineTests
{
    private static readonly ProbePolicy s_policy = new(IntervalSeconds: 1, TimeoutMs: 500, FailThreshold: 3, RecoverThreshold: 2, LagMs: 200, AliveCodes: "200-499");

    private static ProbeOutcome Alive(double rtt = 10) => ProbeOutcome.Answered(200, "OK", rtt, alive: true);

    [Test]
    public void Unknown_BecomesUp_OnTheFirstAliveAnswer()
    {
        var machine = new ServerHealthMachine();
        Assert.That(machine.State, Is.EqualTo(ServerHealthState.Unknown));
        Assert.That(machine.Apply(Alive(), s_policy), Is.EqualTo(ServerHealthState.Up));
        Assert.That(machine.Apply(Alive(), s_policy), Is.Null, "no change, no event");
    }

    [Test]
    public void Up_GoesDown_OnlyAtTheFailThreshold_AndSaysWhy()
    {
        var machine = new ServerHealthMachine();
        machine.Apply(Alive(), s_policy);
        Assert.That(machine.Apply(ProbeOutcome.Timeout, s_policy), Is.Null);
        Assert.That(machine.Apply(ProbeOutcome.Timeout, s_policy), Is.Null);
        Assert.That(machine.Apply(ProbeOutcome.Timeout, s_policy), Is.EqualTo(ServerHealthState.Down));
        Assert.That(machine.Cause, Is.EqualTo("timeout x3"));
    }

    [Test]
    public void AnAliveAnswer_ResetsTheFailureCount()
    {
        var machine = new ServerHealthMachine();
        machine.Apply(Alive(), s_policy);
        machine.Apply(ProbeOutcome.Timeout, s_policy);
        machine.Apply(ProbeOutcome.Timeout, s_policy);
        machine.Apply(Alive(), s_policy);
        machine.Apply(ProbeOutcome.Timeout, s_policy);
        Assert.That(machine.Apply(ProbeOutcome.Timeout, s_policy), Is.Null);
        Assert.That(machine.State, Is.EqualTo(ServerHealthState.Up));
    }

    [Test]
    public void Down_RecoversOnlyAfterRecoverThresholdAliveAnswersInARow()
    {
        var machine = new ServerHealthMachine();
        for (var i = 0; i < 3; i++)
        {
            machine.Apply(ProbeOutcome.Answered(503, "Service Unavailable", 5, alive: false), s_policy);
        }
        Assert.That(machine.State, Is.EqualTo(ServerHealthState.Down));
        Assert.That(machine.Cause, Is.EqualTo("503 Service Unavailable x3"));
        Assert.That(machine.Apply(Alive(), s_policy), Is.Null);
        machine.Apply(ProbeOutcome.TransportError, s_policy);
        Assert.That(machine.Apply(Alive(), s_policy), Is.Null, "the run of successes started over");
        Assert.That(machine.Apply(Alive(), s_policy), Is.EqualTo(ServerHealthState.Up));
    }

    [Test]
    public void SlowAnswers_AreLagged_AndFastOnesUpAgain()
    {
        var machine = new ServerHealthMachine();
        Assert.That(machine.Apply(Alive(rtt: 350), s_policy), Is.EqualTo(ServerHealthState.Lagged));
        Assert.That(machine.Cause, Is.EqualTo("rtt 350 ms > 200 ms"));
        Assert.That(machine.Apply(Alive(rtt: 20), s_policy), Is.EqualTo(ServerHealthState.Up));
    }

    [Test]
    public void Disabled_IgnoresProbes_AndStartsOverAsUnknownWhenEnabled()
    {
        var machine = new ServerHealthMachine();
        machine.Apply(Alive(), s_policy);
        Assert.That(machine.SetDisabled(true), Is.EqualTo(ServerHealthState.Disabled));
        Assert.That(machine.Apply(ProbeOutcome.Timeout, s_policy), Is.Null);
        Assert.That(machine.SetDisabled(true), Is.Null);
        Assert.That(machine.SetDisabled(false), Is.EqualTo(ServerHealthState.Unknown));
    }
}
