using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dialer.Testing;

/// <summary>
/// A raw SIP peer over UDP on a loopback address of the test's choosing (127.0.0.2 plays a stranger): sends text as
/// written and keeps every datagram it receives, so a test can assert on exactly what reached it and when.
/// </summary>
public sealed class UdpPeer : IDisposable
{
    private readonly Socket _socket;
    private readonly ConcurrentQueue<string> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private readonly Func<string, string?>? _answer;

    /// <param name="address">The loopback address to bind (127.0.0.0/8, or ::1).</param>
    /// <param name="port">The port, 0 for any.</param>
    /// <param name="answer">Given each datagram, a reply to send back to its source, or null for none (a tiny UAS).</param>
    public UdpPeer(string address = "127.0.0.1", int port = 0, Func<string, string?>? answer = null)
    {
        _answer = answer;
        _socket = new Socket(IPAddress.Parse(address).AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Room for a burst of answers (a test may send hundreds of requests back to back).
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
        Local = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    public IPEndPoint Local { get; }
    /// <summary>"ip:port", for Via sent-by and Contact.</summary>
    public string HostPort => Local.ToString();
    /// <summary>Every datagram received so far, in order.</summary>
    public IReadOnlyList<string> Received => [.. _received];

    public Task SendAsync(string message, int port, string host = "127.0.0.1") =>
        _socket.SendToAsync(Encoding.UTF8.GetBytes(message.ReplaceLineEndings("\r\n")), new IPEndPoint(IPAddress.Parse(host), port));

    /// <summary>The next datagram received after <paramref name="seen"/> earlier ones that matches, or null after <paramref name="timeout"/>.</summary>
    public async Task<string?> WaitForAsync(Func<string, bool> match, TimeSpan timeout, int seen = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Received.Skip(seen).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }
            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>A response with this status (e.g. "200") to the request with <paramref name="cseqMethod"/>, or null.</summary>
    public Task<string?> WaitForResponseAsync(int status, string cseqMethod, TimeSpan timeout, int seen = 0) =>
        WaitForAsync(m => m.StartsWith($"SIP/2.0 {status} ", StringComparison.Ordinal) && SipText.Header(m, "CSeq")?.EndsWith(" " + cseqMethod, StringComparison.Ordinal) == true,
            timeout, seen);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65_535];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var from = new IPEndPoint(Local.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from, _stop.Token);
                var text = Encoding.UTF8.GetString(buffer, 0, result.ReceivedBytes);
                _received.Enqueue(text);
                _arrived.Release();
                if (_answer?.Invoke(text) is { } reply)
                {
                    await _socket.SendToAsync(Encoding.UTF8.GetBytes(reply.ReplaceLineEndings("\r\n")), result.RemoteEndPoint);
                }
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
        _arrived.Dispose();
    }
}

/// <summary>Reading raw SIP text in tests: one header's value, every value of a header, a tag.</summary>
public static class SipText
{
    public static string? Header(string message, string name) => Headers(message, name) is [var first, ..] ? first : null;

    public static IReadOnlyList<string> Headers(string message, string name)
    {
        ArgumentNullException.ThrowIfNull(message);
        var head = message.Split("\r\n\r\n", 2)[0];
        return [.. head.Split("\r\n").Skip(1)
            .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(name.Length + 1)..].Trim())];
    }

    /// <summary>The tag parameter of a From or To value.</summary>
    public static string Tag(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var index = value.IndexOf(";tag=", StringComparison.OrdinalIgnoreCase);
        return index < 0 ? "" : value[(index + 5)..].Split(';', '>')[0];
    }
}
