namespace Dialer.Host.Tests;

/// <summary>
/// A parent process named "systemd": /bin/sh through a link of that name, running its arguments as a child and passing
/// SIGTERM on. Microsoft.Extensions.Hosting.Systemd takes a process whose parent's /proc/PID/comm is "systemd" for a
/// systemd service (as under the shipped unit), so `dialer serve` started under it behaves as it does there.
/// </summary>
public sealed class FakeSystemd : IDisposable
{
    // The child's exit code is the parent's: on SIGTERM it is passed on and waited for.
    private const string Script = """
        "$@" & child=$!
        trap 'kill -TERM "$child"; wait "$child"; exit $?' TERM
        wait "$child"
        """;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("dialer-fake-systemd-");

    public FakeSystemd()
    {
        var link = Path.Combine(_folder.FullName, "systemd");
        File.CreateSymbolicLink(link, "/bin/sh");
        Command = [link, "-c", Script, "systemd"];
    }

    /// <summary>The program and arguments to put before the child's command line.</summary>
    public IReadOnlyList<string> Command { get; }

    public void Dispose() => _folder.Delete(recursive: true);
}
