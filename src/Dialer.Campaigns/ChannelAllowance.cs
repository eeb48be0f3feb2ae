using System.Net.Http.Headers;
using System.Text.Json;
using Dialer.Peers.Model;

namespace Dialer.Campaigns;

/// <summary>
/// The channels this run may use, trunk by trunk, from the edge's live counters: <c>GET /api/channels?campaign=</c>,
/// read at most once a second. The edge answers, per trunk, how many more calls of the campaign it would admit now
/// (its cap, the campaign's allocation and everyone else's reservations); a lead goes to the trunk whose dial prefix
/// is the longest prefix of its number, as at the edge. So a full trunk holds back only its own leads. When a read
/// fails the last figures stay; when the API was never read the run goes by the edge's 503s alone.
/// </summary>
public sealed class ChannelAllowance(HttpClient? http, string campaign, TimeProvider time) : IDisposable
{
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private IReadOnlyList<TrunkRoom> _trunks = [];
    private bool _warned;

    /// <summary>Why the API could not be read, the first time it could not (for one warning, not one per second).</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads the edge's counters when the last read is a second old.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (http is null || time.GetUtcNow() - _readAt < TimeSpan.FromSeconds(1))
        {
            return;
        }
        _readAt = time.GetUtcNow();
        // A failed read keeps the last figures: they still bound the run, where none would let every trunk fill up.
        if (await ReadAsync(cancellationToken) is { } trunks)
        {
            _trunks = trunks;
        }
    }

    /// <summary>The trunk that will carry a call to <paramref name="number"/>; null when not known (then the edge decides).</summary>
    public string? TrunkOf(string number) => DialPrefixes.Longest(_trunks.Where(t => t.Active), t => t.DialPrefix, number)?.Trunk;

    /// <summary>Whether one more call may start on <paramref name="trunk"/> while this run has <paramref name="inFlight"/> there; true for a trunk not reported.</summary>
    public bool Allows(string trunk, int inFlight) => _trunks.FirstOrDefault(t => t.Trunk == trunk) is not { } room || inFlight < room.Limit;

    /// <summary>The trunk's CPS cap (0 = none or not reported), so that the run spaces that trunk's calls instead of being refused.</summary>
    public int CpsCapOf(string trunk) => _trunks.FirstOrDefault(t => t.Trunk == trunk)?.CpsCap ?? 0;

    private async Task<List<TrunkRoom>?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http!.GetAsync(new Uri($"/api/channels?campaign={Uri.EscapeDataString(campaign)}", UriKind.Relative), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Warn($"/api/channels answered {(int)response.StatusCode}");
                return null;
            }
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var rows = new List<TrunkRoom>();
            foreach (var row in document.RootElement.EnumerateArray())
            {
                // The campaign's total on the trunk: its calls there plus what it may add, both by the edge's count. Compared
                // with this run's own count it stays right while a call is starting or ending and the two counts differ.
                rows.Add(new TrunkRoom(row.GetProperty("trunk").GetString() ?? "", row.GetProperty("dialPrefix").GetString() ?? "",
                    row.GetProperty("active").GetBoolean(), row.GetProperty("cpsCap").GetInt32(),
                    row.GetProperty("campaignInUse").GetInt32() + row.GetProperty("available").GetInt32()));
            }
            return rows;
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException)
        {
            Warn($"/api/channels unreadable: {error.Message}");
            return null;
        }
    }

    private void Warn(string problem)
    {
        Problem = _warned ? Problem : problem;
        _warned = true;
    }

    public static HttpClient? Client(Uri? api, string? token)
    {
        if (api is null || string.IsNullOrEmpty(token))
        {
            return null;
        }
        var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public void Dispose() => http?.Dispose();

    /// <summary>A trunk as the edge reported it; Limit is how many calls the campaign may have there in all (its calls by the edge's count plus the edge's available).</summary>
    private sealed record TrunkRoom(string Trunk, string DialPrefix, bool Active, int CpsCap, int Limit);
}
