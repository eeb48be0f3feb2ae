using System.Net.Sockets;
using System.Text;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// The shipped unit is Type=notify: under a parent named systemd and with NOTIFY_SOCKET set, as systemd starts it,
/// `dialer serve` says READY=1 on that socket once it serves, and STOPPING=1 when SIGTERM starts its drain.
/// </summary>
public sealed class ServeNotifyTests
{
    [Test]
    public async Task UnderSystemd_ServeNotifiesReady_WhenItServes_AndStopping_OnSigterm()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var systemd = new FakeSystemd();
        var socketPath = Path.Combine(Path.GetTempPath(), $"dialer-notify-{Guid.NewGuid():N}.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        try
        {
            var serve = ServeProcess.Start(database.ConnectionString, Convert.ToBase64String(TestKeys.NewKey()), new Dictionary<string, string>
            {
                ["NOTIFY_SOCKET"] = socketPath,
                ["Dialer__Health__Enabled"] = "false",
            }, parent: systemd.Command);
            await using (serve)
            {
                var ready = await ReceiveAsync(notify, TimeSpan.FromSeconds(30));
                Assert.That(ready, Does.Contain("READY=1"), "systemd is told once the host has started");
                Assert.That(await serve.WaitHealthyAsync(), Is.True, "and it serves");
                var stopping = serve.StopAsync();
                Assert.That(await ReceiveAsync(notify, TimeSpan.FromSeconds(30)), Does.Contain("STOPPING=1"));
                var (exitCode, _, errors) = await stopping;
                Assert.That(exitCode, Is.Zero, errors);
            }
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[512];
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }
}
