using Dialer.Sip.Timing;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Sip.Tests;

/// <summary>The edge's timer heap on a manual clock: due order, exact due times, moves, cancels, periods, and bounds.</summary>
public sealed class TimerHeapTests
{
    private ManualTimeProvider _clock = null!;
    private TimerHeap _heap = null!;
    private List<string> _fired = null!;

    [SetUp]
    public void Create()
    {
        _clock = new ManualTimeProvider();
        _heap = new TimerHeap(_clock);
        _fired = [];
    }

    [TearDown]
    public void Dispose() => _heap.Dispose();

    private ITimer Arm(string name, int ms, int periodMs = -1) =>
        _heap.CreateTimer(_ => _fired.Add(name), null, TimeSpan.FromMilliseconds(ms), periodMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(periodMs));

    [Test]
    public void Timers_FireAtTheirDueTime_InDueOrder_AndNotBefore()
    {
        Arm("c", 300);
        Arm("a", 100);
        Arm("b", 200);
        _clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.That(_fired, Is.Empty);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(_fired, Is.EqualTo(new[] { "a" }));
        _clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.That(_fired, Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(_heap.Count, Is.Zero);
    }

    [Test]
    public void ACancelledTimer_NeverFires_AndLeavesNothingBehind()
    {
        var cancelled = Arm("x", 100);
        Arm("y", 200);
        var hours = Arm("z", 4 * 3600 * 1000);
        cancelled.Dispose();
        hours.Dispose();
        Assert.That(_heap.Count, Is.EqualTo(1));
        Assert.That(cancelled.Change(TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan), Is.False);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_fired, Is.EqualTo(new[] { "y" }));
        Assert.That(_heap.Count, Is.Zero);
    }

    [Test]
    public void Change_MovesATimerEarlierOrLater_OrDisarmsIt()
    {
        var late = Arm("late", 1000);
        var early = Arm("early", 100);
        var off = Arm("off", 50);
        late.Change(TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        early.Change(TimeSpan.FromMilliseconds(500), Timeout.InfiniteTimeSpan);
        off.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.That(_fired, Is.EqualTo(new[] { "late" }));
        _clock.Advance(TimeSpan.FromMilliseconds(489));
        Assert.That(_fired, Is.EqualTo(new[] { "late" }));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(_fired, Is.EqualTo(new[] { "late", "early" }));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.That(_fired, Has.Count.EqualTo(2), "a disarmed timer stays quiet");
    }

    [Test]
    public void APeriodicTimer_FiresEachPeriod_UntilDisposed()
    {
        var tick = Arm("tick", 100, 100);
        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.That(_fired, Has.Count.EqualTo(5));
        tick.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_fired, Has.Count.EqualTo(5));
    }

    [Test]
    public void ACallbackThatArmsATimer_IsServed()
    {
        ITimer? retransmit = null;
        var sends = 0;
        retransmit = _heap.CreateTimer(_ =>
        {
            sends++;
            retransmit!.Change(TimeSpan.FromMilliseconds(500 << sends), Timeout.InfiniteTimeSpan);
        }, null, TimeSpan.FromMilliseconds(500), Timeout.InfiniteTimeSpan);
        foreach (var step in new[] { 500, 1000, 2000, 4000 })
        {
            _clock.Advance(TimeSpan.FromMilliseconds(step - 1));
            var before = sends;
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.That(sends, Is.EqualTo(before + 1), $"the retransmission {step} ms after the last");
        }
    }

    [Test]
    public void ManyTimers_InAnyOrder_EachFiresOnceAtItsTime_AndCancelledOnesDoNot()
    {
        var random = new Random(1234);
        var due = new Dictionary<int, long>();
        var fired = new Dictionary<int, long>();
        var timers = new List<(int Id, ITimer Timer)>();
        for (var id = 0; id < 5000; id++)
        {
            var ms = random.Next(1, 2000);
            var name = id;
            due[id] = ms;
            timers.Add((id, _heap.CreateTimer(_ => fired.Add(name, _clock.GetTimestamp() / TimeSpan.TicksPerMillisecond), null, TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan)));
        }
        var cancelled = timers.Where((_, i) => i % 3 == 0).ToList();
        foreach (var (id, timer) in cancelled)
        {
            timer.Dispose();
            due.Remove(id);
        }
        Assert.That(_heap.Count, Is.EqualTo(due.Count));
        for (var ms = 0; ms < 2000; ms++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.That(fired, Is.EquivalentTo(due));
        Assert.That(_heap.Count, Is.Zero);
    }

    [Test]
    public async Task TimersArmedOnManyThreads_SpreadOverShards_EachFireAtTheirTime()
    {
        using var heap = new TimerHeap(_clock, shards: 3);
        var fired = new System.Collections.Concurrent.ConcurrentBag<int>();
        var timers = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            heap.CreateTimer(_ => fired.Add(i), null, TimeSpan.FromMilliseconds(10 + (i % 8)), Timeout.InfiniteTimeSpan))));
        timers[5].Dispose();
        Assert.That(heap.Count, Is.EqualTo(63));
        _clock.Advance(TimeSpan.FromMilliseconds(9));
        Assert.That(fired, Is.Empty);
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.That(fired.Order(), Is.EqualTo(Enumerable.Range(0, 64).Where(i => i != 5)));
        Assert.That(heap.Count, Is.Zero);
    }

    [Test]
    public async Task OnTheSystemClock_ATimerFires()
    {
        using var heap = new TimerHeap(TimeProvider.System);
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = heap.CreateTimer(_ => Assert.Fail("cancelled"), null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        heap.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan);
        never.Dispose();
        await Task.Delay(TimeSpan.FromMilliseconds(10), heap);
        Assert.That(await Task.WhenAny(fired.Task, Task.Delay(TimeSpan.FromSeconds(5))), Is.SameAs(fired.Task));
    }
}
