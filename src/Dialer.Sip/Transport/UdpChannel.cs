using System.Net;
using System.Net.Sockets;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Transport;

/// <summary>
/// One UDP socket, served as Kamailio serves one: several receive threads that each block in the kernel's recvfrom,
/// copy a datagram into its own buffer, parse it and hand it on, on that thread (no readiness event, no hop to the
/// thread pool per datagram). Sends are synchronous sendto calls on the same socket, so peers see our listen port and
/// the socket stays in blocking mode (an async operation would switch it to non-blocking and the receive threads to
/// emulated waits).
/// </summary>
internal sealed class UdpChannel : IAsyncDisposable
{
    private const int MaxDatagram = 65_535;
    private readonly Socket _socket;
    private readonly InboundProcessor _inbound;
    private readonly List<Thread> _threads = [];
    private volatile bool _stopping;

    public UdpChannel(IPEndPoint address, InboundProcessor inbound)
    {
        _inbound = inbound;
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = false;
        }
        // Bursts of thousands of calls per second must not overflow the kernel queue.
        SetBuffer(_socket, SocketOptionName.ReceiveBuffer, ForceReceiveBuffer, BufferBytes);
        SetBuffer(_socket, SocketOptionName.SendBuffer, ForceSendBuffer, BufferBytes);
        // A blocked receive wakes at least this often to see whether the channel is stopping.
        _socket.ReceiveTimeout = (int)StopCheck.TotalMilliseconds;
        _socket.Bind(address);
        Local = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint Local { get; }

    /// <summary>
    /// Kernel queue asked for in each direction: about a second of datagrams at the edge's rate, so a pause of the
    /// process (a garbage collection, a busy core) delays messages instead of dropping them.
    /// </summary>
    public const int BufferBytes = 16 * 1024 * 1024;

    private const int ForceReceiveBuffer = 33; // SO_RCVBUFFORCE (Linux)
    private const int ForceSendBuffer = 32;    // SO_SNDBUFFORCE (Linux)

    /// <summary>
    /// The size asked for; on Linux with CAP_NET_ADMIN (root) past net.core.rmem_max/wmem_max as Kamailio's and
    /// Asterisk's operators otherwise raise by sysctl; else as far as those limits allow.
    /// </summary>
    private static void SetBuffer(Socket socket, SocketOptionName option, int force, int bytes)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                socket.SetRawSocketOption(1 /* SOL_SOCKET */, force, BitConverter.GetBytes(bytes));
                return;
            }
            catch (SocketException)
            {
                // Not permitted: the plain option, capped by the sysctl limit.
            }
        }
        socket.SetSocketOption(SocketOptionLevel.Socket, option, bytes);
    }

    private static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(250);

    public void Start(int loops)
    {
        for (var i = 0; i < loops; i++)
        {
            var thread = new Thread(ReceiveLoop) { IsBackground = true, Name = $"sip-udp-{Local.Port}-{i}" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>
    /// One sendto: a UDP send never waits for the peer, only (rarely) for room in the socket's 16 MiB send queue, so it
    /// is done on the caller's thread.
    /// </summary>
    public ValueTask<bool> SendAsync(IPEndPoint destination, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult(_socket.SendTo(message.Span, SocketFlags.None, destination) == message.Length);
        }
        catch (SocketException)
        {
            return ValueTask.FromResult(false);
        }
        catch (ObjectDisposedException)
        {
            return ValueTask.FromResult(false);
        }
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram);
        var address = new SocketAddress(Local.AddressFamily);
        var sources = new SourceCache(Local.AddressFamily);
        while (!_stopping)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, address);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // The stop check's timeout, or an ICMP error surfacing as a reset: the socket is still fine.
                continue;
            }
            if (received == 0)
            {
                continue;
            }
            var source = new SipEndpoint(SipProtocol.Udp, sources.Get(address));
            if (StunBinding.IsStun(buffer.AsSpan(0, received)))
            {
                // A NAT keepalive or address discovery on the SIP port: answered here, never parsed as SIP.
                if (StunBinding.Answer(buffer.AsSpan(0, received), source.Address) is { } answer)
                {
                    _ = SendAsync(source.Address, answer, CancellationToken.None).AsTask();
                }
                continue;
            }
            var datagram = buffer.AsSpan(0, received).ToArray();
            var message = new SipMessage();
            var status = SipParser.Parse(datagram, SipFraming.Datagram, message, out _);
            if (status != ParseStatus.KeepAlive)
            {
                _inbound.Process(message, status, source, Local);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _socket.Dispose();
        await Task.Run(() =>
        {
            foreach (var thread in _threads)
            {
                thread.Join();
            }
        });
    }
}
