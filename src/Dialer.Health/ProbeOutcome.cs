namespace Dialer.Health;

/// <summary>
/// What one probe (or one call, as a passive signal) told about a server: alive or not, the reply code if any, the
/// round trip, and the failure in words ("timeout", "transport error", "503 Service Unavailable").
/// </summary>
public sealed record ProbeOutcome(bool Alive, int? Code, double? RttMs, string Cause)
{
    public static ProbeOutcome Answered(int code, string reason, double rttMs, bool alive) =>
        new(alive, code, rttMs, alive ? "" : $"{code} {reason}".TrimEnd());

    public static readonly ProbeOutcome Timeout = new(false, null, null, "timeout");
    public static readonly ProbeOutcome TransportError = new(false, null, null, "transport error");
    public static ProbeOutcome Unresolvable(string host) => new(false, null, null, $"{host} does not resolve");
}
