using System.Net;
using System.Net.Http.Headers;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Dialer:Metrics:Token (bearer token on /metrics) and Dialer:Metrics:Url (/metrics on a listener of its own).</summary>
public sealed class MetricsAccessTests
{
    private const string Token = "scrape-token-0123456789";

    [Test]
    public async Task Token_OnTheAdminListener_IsRequired()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?> { ["Dialer:Metrics:Token"] = Token });
        using var client = server.Client(token: null);
        Assert.That((await GetAsync(client, server.Address, null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await GetAsync(client, server.Address, "wrong-token")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await GetAsync(client, server.Address, ApiServer.AdminToken)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized),
            "an admin API token is not the metrics token");
        using var ok = await GetAsync(client, server.Address, Token);
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ok.Content.ReadAsStringAsync(), Does.Contain("dialer_registrations 0\n"));
        Assert.That((await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the rest is untouched");
    }

    [Test]
    public async Task OwnListener_ServesMetrics_AndTheAdminListenerNoLonger()
    {
        await using var server = await ApiServer.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Dialer:Metrics:Url"] = "http://127.0.0.1:0",
            ["Dialer:Metrics:Token"] = Token,
        });
        var listener = server.Services<Monitoring.MetricsListener>();
        Assert.That(listener.Addresses, Is.Not.Empty);
        var metrics = listener.Addresses[0];
        Assert.That(metrics.Port, Is.Not.EqualTo(server.Address.Port));
        using var client = new HttpClient();
        Assert.That((await GetAsync(client, server.Address, Token)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "not on the admin listener");
        Assert.That((await GetAsync(client, metrics, null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var ok = await GetAsync(client, metrics, Token);
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ok.Content.ReadAsStringAsync(), Does.Contain("dialer_registrations 0\n"));
        Assert.That((await client.GetAsync(new Uri(metrics, "/api/version"))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "the metrics listener serves nothing of the admin API");
    }

    [Test]
    public async Task OpenByDefault_OnTheAdminListener()
    {
        await using var server = await ApiServer.StartAsync();
        using var client = new HttpClient();
        using var ok = await GetAsync(client, server.Address, null);
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ok.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, Uri baseAddress, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, "/metrics"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client.SendAsync(request);
    }
}
