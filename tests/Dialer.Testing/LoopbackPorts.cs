using System.Net;
using System.Net.Sockets;

namespace Dialer.Testing;

/// <summary>
/// Ports for servers a test starts in another process (SIPp, dialer serve). They are taken below the
/// kernel's ephemeral range (32768+), so an outgoing socket of any process cannot grab one between the
/// check and the bind, and they are free for both UDP and TCP, because SIP peers listen on both.
/// </summary>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Last = 32_000;
    private static int s_next = First + (Environment.ProcessId * 97 % (Last - First));

    public static int Free()
    {
        for (var tries = 0; tries < Last - First; tries++)
        {
            var port = First + (Interlocked.Increment(ref s_next) - First) % (Last - First);
            if (IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port between {First} and {Last}");
    }

    /// <summary>
    /// A TCP port on 127.0.0.1 where connections are refused: held bound but not listening until the socket is
    /// disposed, so no other socket can take it meanwhile (a port that was merely free a moment ago could be).
    /// </summary>
    public static Socket Refusing(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }

    /// <summary>
    /// Waits until some process has bound UDP <paramref name="port"/> (SIPp started in the background is listening),
    /// reading the kernel's socket table so that the check itself never takes the port; false after <paramref name="within"/>.
    /// </summary>
    public static async Task<bool> WaitUdpBoundAsync(int port, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(5));
        var wanted = $":{port:X4} ";
        do
        {
            foreach (var table in new[] { "/proc/net/udp", "/proc/net/udp6" })
            {
                // Each row: "sl local_address rem_address ..." with local_address as HEXADDR:HEXPORT.
                if (File.Exists(table) && (await File.ReadAllLinesAsync(table)).Skip(1)
                    .Any(row => row.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var local, ..] && (local + " ").EndsWith(wanted, StringComparison.Ordinal)))
                {
                    return true;
                }
            }
            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);
        return false;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
