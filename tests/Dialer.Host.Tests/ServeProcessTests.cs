using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>The real `dialer serve` process: admin API and SIP edge in one process, SIGTERM drains and exits 0.</summary>
public sealed class ServeProcessTests
{
    [Test]
    public async Task Serve_AnswersHttpAndSip_ThenSigtermExitsZero()
    {
        await using var database = await TestDatabase.CreateAsync();
        var httpPort = FreeTcpPort();
        var sipPort = Sipp.FreeUdpPort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dialer.dll"));
        start.ArgumentList.Add("serve");
        start.Environment["Dialer__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Dialer__Secrets__Key"] = Convert.ToBase64String(TestKeys.NewKey());
        start.Environment["Dialer__Admin__Url"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Dialer__Sip__Listen__0"] = $"udp:127.0.0.1:{sipPort}";
        start.Environment["Dialer__Sip__Listen__1"] = $"tcp:127.0.0.1:{sipPort}";
        start.Environment["DIALER_ADMIN_TOKEN"] = "serve-test-token";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            var healthy = false;
            for (var i = 0; i < 100 && !healthy && !process.HasExited; i++)
            {
                try
                {
                    healthy = (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }
            Assert.That(healthy, Is.True, "dialer serve answers /healthz");
            Assert.That(await SipProbe.OptionsAsync(sipPort), Does.StartWith("SIP/2.0 200 OK\r\n"), "the SIP edge answers in the same process");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill!.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.That(process.ExitCode, Is.Zero, await errors);
            Assert.That(await output, Does.Contain("Application is shutting down"));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
