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
