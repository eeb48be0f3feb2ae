using System.Diagnostics;
using System.Text;

namespace Dialer.Testing;

/// <summary>
/// Kamailio 5.6 running in the foreground (-DD -E) for the length of a test, as an independent SIP peer (the TLS
/// carrier of the TLS tests). Its log is kept so the test can assert what Kamailio itself saw; stopping kills its
/// process tree. A missing binary or module fails the test (no skipping): etc/test-deps.sh installs both.
/// </summary>
public sealed class KamailioProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Task _reader;

    private KamailioProcess(Process process)
    {
        _process = process;
        _reader = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_log)
                {
                    _log.Append(line).Append('\n');
                }
            }
        });
        _ = process.StandardOutput.ReadToEndAsync();
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts Kamailio on <paramref name="config"/> and waits until <paramref name="ready"/> holds (e.g. its port accepts).</summary>
    public static async Task<KamailioProcess> StartAsync(string config, Func<Task<bool>> ready, TimeSpan timeout)
    {
        var folder = Path.GetDirectoryName(config)!;
        var run = Directory.CreateDirectory(Path.Combine(folder, "run")).FullName;
        var start = new ProcessStartInfo(Kamailio.Binary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[] { "-DD", "-E", "-m", "128", "-M", "8", "-Y", run, "-P", Path.Combine(run, "kamailio.pid"), "-f", config })
        {
            start.ArgumentList.Add(argument);
        }
        var kamailio = new KamailioProcess(Process.Start(start) ?? throw new InvalidOperationException("kamailio did not start"));
        var deadline = DateTime.UtcNow + timeout;
        ArgumentNullException.ThrowIfNull(ready);
        while (!await ready())
        {
            if (kamailio.HasExited || DateTime.UtcNow > deadline)
            {
                var log = kamailio.Log;
                await kamailio.DisposeAsync();
                throw new InvalidOperationException($"kamailio did not get ready:\n{log}");
            }
            await Task.Delay(50);
        }
        return kamailio;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(5)));
        _process.Dispose();
    }
}
