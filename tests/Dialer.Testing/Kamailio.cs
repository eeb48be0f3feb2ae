using System.Diagnostics;
using System.Text;

namespace Dialer.Testing;

/// <summary>
/// Runs Kamailio 5.6 (Debian package kamailio; `make test` installs it through etc/test-deps.sh) to check files it
/// loads. `kamailio -c` only parses the script: modules read their files in mod_init, which comes after the check
/// exits (main.c), so loading needs a real start in the foreground, stopped once the modules are initialised.
/// </summary>
public static class Kamailio
{
    /// <param name="Ready">The log met the condition before Kamailio exited or the time ran out.</param>
    /// <param name="ExitCode">Null when Kamailio was still running when <c>ready</c> was seen (it was then stopped).</param>
    /// <param name="Log">Everything it wrote to stderr (-E) up to then.</param>
    public sealed record Result(bool Ready, int? ExitCode, string Log);

    /// <summary>The binary: on PATH, else where Debian puts it (/usr/sbin is not on every user's PATH).</summary>
    public static string Binary()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin"))
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, "kamailio");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("kamailio is not installed: run `bash etc/test-deps.sh` (Debian package kamailio)");
    }

    /// <summary>`kamailio -c -f CONFIG`: the script parses and its modules and parameters exist.</summary>
    public static async Task<(int ExitCode, string Output)> CheckAsync(string config)
    {
        var start = Start(config, "-c");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kamailio did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>
    /// Starts Kamailio in the foreground (-DD -E) and reads its log until <paramref name="ready"/> holds for the log so
    /// far (then stops it and all its children) or it exits on its own (a module failed to initialise).
    /// </summary>
    public static async Task<Result> RunUntilAsync(string config, Func<string, bool> ready, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(ready);
        using var process = Process.Start(Start(config, "-DD", "-E")) ?? throw new InvalidOperationException("kamailio did not start");
        var log = new StringBuilder();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = process.StandardOutput.ReadToEndAsync();
        var reader = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (log)
                {
                    log.Append(line).Append('\n');
                    if (ready(log.ToString()))
                    {
                        seen.TrySetResult();
                    }
                }
            }
        });
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        var stillRunning = !process.HasExited;
        if (stillRunning)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(5)));
        await output;
        lock (log)
        {
            var text = log.ToString();
            return first == seen.Task || ready(text)
                ? new Result(true, stillRunning ? null : process.ExitCode, text)
                : new Result(false, stillRunning ? null : process.ExitCode, text);
        }
    }

    private static ProcessStartInfo Start(string config, params string[] flags)
    {
        var start = new ProcessStartInfo(Binary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(config)!,
        };
        foreach (var flag in flags)
        {
            start.ArgumentList.Add(flag);
        }
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(config);
        return start;
    }
}
