using Dialer.Sip.Transport;

namespace Dialer.Campaigns;

/// <summary>How `dialer campaign run` paces and places a campaign's calls.</summary>
public sealed record CampaignRunOptions
{
    public required string Campaign { get; init; }
    public required SipEndpoint Edge { get; init; }

    /// <summary>Fixed pacing: new calls per second. Null paces by dial level instead.</summary>
    public double? Cps { get; init; }

    /// <summary>Dial-level pacing: calls in flight = dial level × agents available.</summary>
    public double DialLevel { get; init; } = 1;

    public int Agents { get; init; } = 1;

    /// <summary>How long a call may ring before it is cancelled as no answer.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an answered call is held before the BYE.</summary>
    public TimeSpan TalkTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a busy, unanswered or failed lead is called again.</summary>
    public int Retries { get; init; } = 1;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>The admin API whose /api/channels tells how many channels are free; null to go by 503s alone.</summary>
    public Uri? Api { get; init; }

    public string? ApiToken { get; init; }
}
