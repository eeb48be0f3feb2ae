using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>With the database unreachable the API answers 503 + Retry-After, never a 500, and stays alive.</summary>
public sealed class DatabaseDownTests
{
    [Test]
    public async Task UnreachableDatabase_Gives503WithRetryAfter_AndHealthzStaysUp()
    {
        // A port held bound but not listening for the whole test: connections to it are refused, and no other socket can take it.
        using var closed = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)closed.LocalEndPoint!).Port;
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
