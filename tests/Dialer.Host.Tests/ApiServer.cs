using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Host.Configuration;
using Dialer.Host.Hosting;
using Dialer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Host.Tests;

/// <summary>The real admin API on Kestrel, bound to a free loopback port, over a database of its own.</summary>
public sealed class ApiServer : IAsyncDisposable
{
    public const string AdminToken = "test-admin-token-0123456789";
    private readonly WebApplication _app;

    private ApiServer(WebApplication app, TestDatabase? database, Uri address)
    {
        _app = app;
        Database = database;
        Address = address;
    }

    public TestDatabase? Database { get; }
    public Uri Address { get; }

    /// <summary>Dialer:Secrets:Key of this server, for CLI processes that share its database.</summary>
    public static string SecretsKey => s_secretsKey;
    public Dialer.Edge.EdgeService Edge => _app.Services.GetRequiredService<Dialer.Edge.EdgeService>();

    public T Services<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Waits (up to 5 s, then fails the test) until the edge's peer snapshot has every change made so far.</summary>
    public async Task WaitForPeersAsync()
    {
        var version = await Services<Dialer.Peers.Storage.PeerRepository>().VersionAsync(CancellationToken.None);
        var peers = Services<Dialer.Peers.Snapshot.PeerSnapshotSource>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (peers.Current.Version < version && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        NUnit.Framework.Assert.That(peers.Current.Version, NUnit.Framework.Is.GreaterThanOrEqualTo(version), "the edge picked up the peers' change");
    }

    /// <summary>The edge's UDP port on 127.0.0.1.</summary>
    public int SipPort(Dialer.Sip.Transport.SipProtocol protocol = Dialer.Sip.Transport.SipProtocol.Udp) =>
        Edge.Bound.First(b => b.Protocol == protocol).Address.Port;

    private static readonly string s_secretsKey = Convert.ToBase64String(TestKeys.NewKey());

    /// <param name="connectionString">Another database than a fresh one of its own (an unreachable one, or one to restart on).</param>
    /// <param name="overrides">More configuration, e.g. Dialer:Edge:LockoutFailures.</param>
    public static async Task<ApiServer> StartAsync(string? connectionString = null, IDictionary<string, string?>? overrides = null)
    {
        var database = connectionString is null ? await TestDatabase.CreateAsync() : null;
        var settings = new Dictionary<string, string?>
        {
            ["Dialer:Database:ConnectionString"] = connectionString ?? database!.ConnectionString,
            ["Dialer:Admin:Url"] = "http://127.0.0.1:0",
            ["Dialer:Secrets:Key"] = s_secretsKey,
            ["Dialer:Sip:Realm"] = "test.example",
            // Free loopback ports: tests run beside `make run` and beside each other.
            ["Dialer:Sip:Listen:0"] = "udp:127.0.0.1:0",
            ["Dialer:Sip:Listen:1"] = "tcp:127.0.0.1:0",
            ["Dialer:Edge:SnapshotPollMs"] = "100",
            ["Dialer:Edge:DrainSeconds"] = "0",
            // Health probes are switched on by the tests about health: other tests' SIPp carriers do not answer OPTIONS.
            ["Dialer:Health:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var configuration = DialerConfiguration.Load(null, settings);
        var app = DialerApp.Build(configuration, AdminToken);
        await app.StartAsync();
        return new ApiServer(app, database, new Uri(app.Urls.First()));
    }

    public HttpClient Client(string? token = AdminToken)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }
}

/// <summary>Small helpers to send raw JSON and read problem details.</summary>
public static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(new Uri(path, UriKind.Relative), Json(json));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(path, UriKind.Relative)) { Content = Json(json) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The field names in a problem's "errors".</summary>
    public static async Task<string[]> ErrorFieldsAsync(this HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        return body.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateObject().Select(p => p.Name)] : [];
    }
}
