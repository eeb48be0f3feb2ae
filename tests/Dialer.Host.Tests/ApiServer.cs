using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Host.Configuration;
using Dialer.Host.Hosting;
using Dialer.Testing;
using Microsoft.AspNetCore.Builder;

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

    /// <param name="connectionString">Overrides the fixture's own database (e.g. an unreachable one).</param>
    public static async Task<ApiServer> StartAsync(string? connectionString = null)
    {
        var database = connectionString is null ? await TestDatabase.CreateAsync() : null;
        var configuration = DialerConfiguration.Load(DialerConfiguration.DefaultPath, new Dictionary<string, string?>
        {
            ["Dialer:Database:ConnectionString"] = connectionString ?? database!.ConnectionString,
            ["Dialer:Admin:Url"] = "http://127.0.0.1:0",
            ["Dialer:Secrets:Key"] = Convert.ToBase64String(TestKeys.NewKey()),
            ["Dialer:Sip:Realm"] = "test.example",
            ["Logging:LogLevel:Default"] = "Warning",
        });
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
