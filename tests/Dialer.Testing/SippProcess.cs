using System.Diagnostics;

namespace Dialer.Testing;

/// <summary>A SIPp running in the background (a carrier, a phone) until the test stops it; its logs stay in its folder.</summary>
public sealed class SippProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;

    private SippProcess(Process process, string folder)
    {
        _process = process;
        Folder = folder;
        _output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync()).ContinueWith(t => string.Concat(t.Result), TaskScheduler.Default);
    }

    /// <summary>Where SIPp writes its -trace_logs file.</summary>
    public string Folder { get; }

    /// <param name="scenarioXml">The scenario text, written into a fresh folder as scenario.xml.</param>
    /// <param name="arguments">SIPp arguments besides -sf and -nostdin.</param>
    public static SippProcess Start(string scenarioXml, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var folder = Directory.CreateTempSubdirectory("sipp-").FullName;
        File.WriteAllText(Path.Combine(folder, "scenario.xml"), scenarioXml);
        var start = new ProcessStartInfo("sipp") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in new[] { "-sf", "scenario.xml", "-nostdin" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        return new SippProcess(Process.Start(start) ?? throw new InvalidOperationException("sipp did not start"), folder);
    }

    /// <summary>The lines SIPp's &lt;log&gt; actions wrote so far, in order (-trace_logs).</summary>
    public IReadOnlyList<string> LogLines()
    {
        var file = Directory.GetFiles(Folder, "*_logs.log").FirstOrDefault();
        if (file is null)
        {
            return [];
        }
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>Stops SIPp (if still running) and returns what it printed.</summary>
    public async Task<string> StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        return await _output;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
