using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Dialer.Testing;

/// <summary>
/// baresip 1.0 (Debian baresip-core), a real softphone nobody here wrote, headless: a config directory of its own, a
/// sine source and a file sink instead of a sound card, and its ctrl_tcp module for commands (netstring JSON). It runs
/// with baresip's defaults otherwise, as a user would start it. `.ci/run` installs it through etc/test-deps.sh.
/// </summary>
public sealed class Baresip : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly int _controlPort;
    private readonly ConcurrentQueue<string> _output = new();

    private Baresip(Process process, string directory, int controlPort)
    {
        _process = process;
        _directory = directory;
        _controlPort = controlPort;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything baresip printed so far (with -s, its SIP trace too).</summary>
    public string Output => string.Join('\n', _output);

    /// <param name="account">The accounts line, e.g. "&lt;sip:2001@127.0.0.1:5060;transport=tcp&gt;;auth_pass=secret".</param>
    /// <param name="listenIp">The loopback address baresip binds (its SIP port is free on it).</param>
    /// <param name="config">More lines of its config file (e.g. "sip_cafile /path/ca.pem").</param>
    public static Baresip Start(string account, string listenIp = "127.0.0.7", params string[] config)
    {
        ArgumentNullException.ThrowIfNull(account);
        var directory = Directory.CreateTempSubdirectory("baresip-").FullName;
        var sipPort = LoopbackPorts.Free();
        var controlPort = LoopbackPorts.Free();
        string[] lines =
        [
            "poll_method epoll",
            $"sip_listen {listenIp}:{sipPort.ToString(CultureInfo.InvariantCulture)}",
            "audio_player aufile,/dev/null",
            // ausine makes 48 kHz stereo only; baresip resamples to the call's codec.
            "audio_source ausine,440",
            "ausrc_srate 48000",
            "auplay_srate 48000",
            "ausrc_channels 2",
            "auplay_channels 2",
            "audio_alert aufile,/dev/null",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module ausine.so",
            "module aufile.so",
            "module_tmp account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            $"ctrl_tcp_listen 127.0.0.1:{controlPort.ToString(CultureInfo.InvariantCulture)}",
            .. config,
            "",
        ];
        File.WriteAllText(Path.Combine(directory, "config"), string.Join('\n', lines));
        File.WriteAllText(Path.Combine(directory, "accounts"), account + "\n");
        var start = new ProcessStartInfo("baresip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[] { "-f", directory, "-s" })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("baresip did not start: install baresip-core");
        return new Baresip(process, directory, controlPort);
    }

    /// <summary>One ctrl_tcp command ("dial", "hangup", "reginfo", "quit" ...); returns its data, or throws if it failed.</summary>
    public async Task<string> CommandAsync(string command, string parameters = "")
    {
        using var client = new TcpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.ConnectAsync("127.0.0.1", _controlPort);
                break;
            }
            catch (SocketException) when (attempt < 50)
            {
                await Task.Delay(100); // baresip is still starting
            }
        }
        var json = JsonSerializer.Serialize(new { command, @params = parameters, token = "t" });
        var request = Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetByteCount(json).ToString(CultureInfo.InvariantCulture)}:{json},");
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[16_384];
        var received = new StringBuilder();
        while (true)
        {
            // Netstrings "LEN:JSON," — events may come before the response to our command.
            while (TryTakeFrame(received, out var frame))
            {
                using var message = JsonDocument.Parse(frame);
                if (!message.RootElement.TryGetProperty("response", out var isResponse) || !isResponse.GetBoolean())
                {
                    continue;
                }
                var data = message.RootElement.TryGetProperty("data", out var d) ? d.GetString() ?? "" : "";
                return message.RootElement.GetProperty("ok").GetBoolean() ? data : throw new InvalidOperationException($"baresip {command} failed: {data}");
            }
            var count = await stream.ReadAsync(buffer, timeout.Token);
            if (count == 0)
            {
                throw new IOException($"baresip closed the control connection before answering {command}");
            }
            received.Append(Encoding.UTF8.GetString(buffer, 0, count));
        }
    }

    private static bool TryTakeFrame(StringBuilder received, out string frame)
    {
        frame = "";
        var text = received.ToString();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || text.Length < colon + 1 + length + 1)
        {
            return false;
        }
        frame = text.Substring(colon + 1, length);
        received.Remove(0, colon + 1 + length + 1);
        return true;
    }

    /// <summary>Waits until baresip has printed <paramref name="text"/>.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>Asks baresip to quit (it unregisters on the way out) and waits for it.</summary>
    public async Task<bool> QuitAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }
        try
        {
            await CommandAsync("quit");
        }
        catch (Exception error) when (error is IOException or SocketException or JsonException or InvalidOperationException or OperationCanceledException)
        {
            // It may close the control connection before answering.
        }
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!await QuitAsync(TimeSpan.FromSeconds(3)))
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
