using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dialer.Testing;

namespace Dialer.Host.Tests;

/// <summary>
/// A real `dialer serve` process on free loopback ports (HTTP, SIP over UDP and TCP), configured by environment
/// variables; disposing sends SIGTERM and waits for it to exit.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    public const string Token = "serve-test-token";

    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _errors;

    private ServeProcess(Process process, int httpPort, int sipPort)
    {
        _process = process;
        HttpPort = httpPort;
        SipPort = sipPort;
        _output = process.StandardOutput.ReadToEndAsync();
        _errors = process.StandardError.ReadToEndAsync();
    }

    public int HttpPort { get; }
    public int SipPort { get; }
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the process against <paramref name="connectionString"/> with <paramref name="secretsKey"/> (base64).</summary>
    /// <param name="connectionString">The database.</param>
    /// <param name="secretsKey">Dialer:Secrets:Key, base64.</param>
    /// <param name="environment">Extra settings, e.g. Dialer__Health__Clustered=true.</param>
    /// <param name="ports">The HTTP and SIP ports of an earlier process, to restart in its place; null for free ones.</param>
    /// <param name="parent">
    /// A program and its arguments that run `dotnet dialer.dll serve` (appended) as their child and pass SIGTERM on, e.g.
    /// <see cref="FakeSystemd"/>; null starts it directly.
    /// </param>
    public static ServeProcess Start(string connectionString, string secretsKey, IReadOnlyDictionary<string, string>? environment = null,
        (int Http, int Sip)? ports = null, IReadOnlyList<string>? parent = null)
    {
        var httpPort = ports?.Http ?? LoopbackPorts.Free();
        var sipPort = ports?.Sip ?? LoopbackPorts.Free();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(parent is [var program, ..] ? program : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (parent is not null)
        {
            foreach (var argument in parent.Skip(1).Append(dotnet))
            {
                start.ArgumentList.Add(argument);
            }
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dialer.dll"));
        start.ArgumentList.Add("serve");
        start.Environment["Dialer__Database__ConnectionString"] = connectionString;
        start.Environment["Dialer__Secrets__Key"] = secretsKey;
        start.Environment["Dialer__Admin__Url"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Dialer__Sip__Listen__0"] = $"udp:127.0.0.1:{sipPort}";
        start.Environment["Dialer__Sip__Listen__1"] = $"tcp:127.0.0.1:{sipPort}";
        start.Environment["DIALER_ADMIN_TOKEN"] = Token;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        return new ServeProcess(Process.Start(start)!, httpPort, sipPort);
    }

    /// <summary>An admin client with the bootstrap token.</summary>
    public HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    /// <summary>Waits until /healthz answers 200; false if the process exits or 30 s pass first.</summary>
    public async Task<bool> WaitHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        for (var i = 0; i < 300 && !_process.HasExited; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>SIGTERM, then waits up to 30 s; returns the exit code, standard output and standard error.</summary>
    public async Task<(int ExitCode, string Output, string Errors)> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        return (_process.ExitCode, await _output, await _errors);
    }

    /// <summary>kill -9: no drain, no flush, nothing written on the way out.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

}
