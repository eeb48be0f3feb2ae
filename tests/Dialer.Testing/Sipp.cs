using System.Diagnostics;

namespace Dialer.Testing;

/// <summary>Runs SIPp (Debian package sip-tester) as an independent peer; `make test` and .ci/run install it.</summary>
public static class Sipp
{
    public sealed record Result(int ExitCode, string Output);

    /// <param name="arguments">SIPp arguments; -nostdin and a global -timeout are always added.</param>
    /// <param name="timeout">How long SIPp may run before it is killed (the test then fails).</param>
    public static async Task<Result> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("sipp")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments.Concat(["-nostdin", "-timeout", $"{(int)timeout.TotalSeconds}s", "-timeout_error"]))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sipp did not start: install sip-tester");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var kill = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(kill.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("sipp did not finish in time");
        }
        return new Result(process.ExitCode, await output + await error);
    }

}
