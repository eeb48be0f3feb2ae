using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dialer.Host.Tests;

/// <summary>One SIP request over UDP to the edge (OPTIONS, or an INVITE whose final answer is wanted), within five seconds.</summary>
public static class SipProbe
{
    /// <returns>The first response's text.</returns>
    public static async Task<string> OptionsAsync(int edgePort)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var options = $"OPTIONS sip:127.0.0.1:{edgePort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{Guid.NewGuid():N};rport\r\n" +
            $"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: {Guid.NewGuid():N}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        await socket.SendToAsync(Encoding.ASCII.GetBytes(options), new IPEndPoint(IPAddress.Loopback, edgePort));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
    }

    /// <returns>The first final response's text to an INVITE for <paramref name="number"/> without SDP.</returns>
    public static async Task<string> InviteFinalAsync(int edgePort, string number)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var invite = $"INVITE sip:{number}@127.0.0.1:{edgePort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{Guid.NewGuid():N};rport\r\n" +
            $"Max-Forwards: 70\r\nFrom: <sip:dialer@127.0.0.1>;tag=1\r\nTo: <sip:{number}@127.0.0.1>\r\nCall-ID: {Guid.NewGuid():N}\r\n" +
            $"CSeq: 1 INVITE\r\nContact: <sip:dialer@127.0.0.1:{port}>\r\nContent-Length: 0\r\n\r\n";
        await socket.SendToAsync(Encoding.ASCII.GetBytes(invite), new IPEndPoint(IPAddress.Loopback, edgePort));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var text = Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
            if (!text.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                return text;
            }
        }
    }
}
