namespace Dialer.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1.1 and Table 4 timer values; tests shorten them or drive a fake clock.</summary>
public sealed record SipTimers(TimeSpan T1, TimeSpan T2, TimeSpan T4)
{
    public static readonly SipTimers Default = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

    /// <summary>Timers B, F, H and J: 64*T1.</summary>
    public TimeSpan TransactionTimeout => T1 * 64;

    /// <summary>Timer C: how long an INVITE that got a provisional response may wait for its final one (RFC 3261 §16.6 step 11: &gt; 3 min).</summary>
    public TimeSpan TimerC => TimeSpan.FromMinutes(3) > TransactionTimeout ? TimeSpan.FromMinutes(3) : TransactionTimeout;

    /// <summary>Timer D: at least 32 s over unreliable transports.</summary>
    public TimeSpan TimerD => TimeSpan.FromSeconds(32) > T1 * 64 ? TimeSpan.FromSeconds(32) : T1 * 64;

    /// <summary>Next retransmission interval: doubled, capped at T2 (timers A, E, G).</summary>
    public TimeSpan Next(TimeSpan interval) => interval * 2 < T2 ? interval * 2 : T2;
}
