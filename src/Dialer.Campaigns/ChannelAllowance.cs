using System.Net.Http.Headers;
using System.Text.Json;
using Dialer.Peers.Model;

namespace Dialer.Campaigns;

/// <summary>
/// How many calls the campaign may have in flight, from the edge's live channel counters (GET /api/channels, read at
/// most once a second): the free channels of the campaign's trunks (its allocated trunks, else all), plus the calls
/// this run already has up, and never more than the reserved channels of MAXIMUM_LIMIT allocations. Null when the
/// API cannot be read: the run then goes by the edge's 503s alone.
/// </summary>
public sealed class ChannelAllowance(HttpClient? http, Campaign campaign, TimeProvider time) : IDisposable
{
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private int? _free;
    private bool _warned;

    public string? Problem { get; private set; }

    public async Task<int?> AllowedAsync(int inFlight, CancellationToken cancellationToken)
    {
        if (http is null)
        {
            return null;
        }
        if (time.GetUtcNow() - _readAt >= TimeSpan.FromSeconds(1))
        {
            _readAt = time.GetUtcNow();
            _free = await ReadFreeAsync(cancellationToken);
        }
        if (_free is not { } free)
        {
            return null;
        }
        var allowed = free + inFlight;
        var limited = campaign.Allocations.Where(a => a.Restriction == AllocationRestriction.MaximumLimit).ToList();
        if (limited.Count > 0 && limited.Count == campaign.Allocations.Count)
        {
            allowed = Math.Min(allowed, limited.Sum(a => a.Reserved));
        }
        return Math.Max(allowed, 0);
    }

    private async Task<int?> ReadFreeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http!.GetAsync(new Uri("/api/channels", UriKind.Relative), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Warn($"/api/channels answered {(int)response.StatusCode}");
                return null;
            }
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var trunks = campaign.Allocations.Select(a => a.Trunk).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var free = 0;
            foreach (var trunk in document.RootElement.EnumerateArray())
            {
                if (trunks.Count == 0 || trunks.Contains(trunk.GetProperty("trunk").GetString() ?? ""))
                {
                    free += Math.Max(0, trunk.GetProperty("cap").GetInt32() - trunk.GetProperty("inUse").GetInt32());
                }
            }
            Problem = null;
            return free;
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
}
