using System.Net;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>With the database unreachable the API answers 503 + Retry-After, never a 500, and stays alive.</summary>
public sealed class DatabaseDownTests
{
    [Test]
    public async Task UnreachableDatabase_Gives503WithRetryAfter_AndHealthzStaysUp()
    {
        using var refusing = LoopbackPorts.Refusing(out var port);
        await using var server = await ApiServer.StartAsync(
            $"Server=127.0.0.1;Port={port};Database=none;User ID=x;Password=y;SslMode=None;Connection Timeout=2");
        using var admin = server.Client();
        var list = await admin.GetAsync(new Uri("/api/trunks", UriKind.Relative));
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(list.Headers.RetryAfter, Is.Not.Null);
        Assert.That((await list.JsonAsync()).GetProperty("title").GetString(), Is.EqualTo("Database unavailable"));
        var write = await admin.PostJsonAsync("/api/phones", """{"extension":"1","password":"long enough"}""");
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        var health = await admin.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await health.JsonAsync()).GetProperty("database").GetString(), Is.EqualTo("down"));
    }
}
