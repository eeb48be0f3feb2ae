using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dialer.Sip.Diagnostics;
using Dialer.Sip.Message;

namespace Dialer.Sip.Transport;

/// <summary>
/// The transports of one SIP element: a UDP socket and a TCP or TLS listener per configured address, TCP and TLS
/// connections reused in both directions (keyed by protocol and the peer's address), and one inbound path for
/// everything received.
/// </summary>
public sealed partial class SipTransportHost : ISipSender, IAsyncDisposable
{
    private readonly SipTransportOptions _options;
    private readonly InboundProcessor _inbound;
    private readonly List<UdpChannel> _udp = [];
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<SipEndpoint, TcpConnection> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<IPAddress, int> _perSource = new();
    private int _open;
    private long _refused;

    /// <param name="onMessage">Receives every well-formed message with its source; runs on a receive loop, keep it short.</param>
    /// <param name="options">Loop counts and TCP timeouts.</param>
    /// <param name="metrics">Where requests received, responses sent and parse failures are counted; null counts nothing.</param>
    public SipTransportHost(Action<SipMessage, SipEndpoint> onMessage, SipTransportOptions? options = null, SipMetrics? metrics = null)
    {
        _options = options ?? new SipTransportOptions();
        _metrics = metrics;
        _inbound = new InboundProcessor(onMessage, this, metrics, _options.Tap);
    }

    private readonly SipMetrics? _metrics;

    /// <summary>The addresses bound, with the real port where 0 was asked for.</summary>
    public List<SipListenAddress> Bound { get; } = [];

    /// <summary>Messages refused as malformed (answered 4xx/5xx when they were requests, else dropped).</summary>
    public long MalformedCount => _inbound.MalformedCount;

    /// <summary>Messages whose handling threw (see <see cref="InboundProcessor.FailedCount"/>).</summary>
    public long FailedCount => _inbound.FailedCount;

    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// A TCP or TLS connection closed (by the peer, an error, or one of our timeouts) and no newer connection to the same
    /// peer replaced it, so nothing can be sent to that endpoint any more without a new connect. Not raised for the
    /// connections closed when the host itself stops. Runs on the connection's task; keep it short.
    /// </summary>
    public event Action<SipEndpoint>? ConnectionClosed;

    public void Start(IEnumerable<SipListenAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var address in addresses)
        {
            if (address.Protocol == SipProtocol.Udp)
            {
                var channel = new UdpChannel(address.Address, _inbound);
                _udp.Add(channel);
                channel.Start(_options.UdpReceiveLoops);
                Bound.Add(address with { Address = channel.Local });
            }
            else
            {
                PrepareTls(address);
                var listener = new Socket(address.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Bind(address.Address);
                listener.Listen(1024);
                _listeners.Add(listener);
                Bound.Add(address with { Address = (IPEndPoint)listener.LocalEndPoint! });
                _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener, address.Protocol)));
            }
        }
    }

    public async ValueTask<bool> SendAsync(SipEndpoint destination, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        _metrics?.Sent(message.Span);
        if (destination.Protocol == SipProtocol.Udp)
        {
            var channel = _udp.Find(c => c.Local.AddressFamily == destination.Address.AddressFamily);
            if (channel is null)
            {
                return false;
            }
            _options.Tap?.Capture(SipProtocol.Udp, channel.Local, destination.Address, message.Span);
            return await channel.SendAsync(destination.Address, message, cancellationToken);
        }
        var connection = _connections.TryGetValue(destination, out var existing) ? existing : await ConnectOnceAsync(destination, cancellationToken);
        if (connection is null)
        {
            return false;
        }
        _options.Tap?.Capture(destination.Protocol, connection.Local, destination.Address, message.Span);
        return await connection.SendAsync(message, cancellationToken);
    }

    private async Task AcceptLoopAsync(Socket listener, SipProtocol protocol)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Adopt(await listener.AcceptAsync(_stop.Token), inbound: true, protocol);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before accept completed; keep accepting.
            }
        }
    }

    private async Task<TcpConnection?> ConnectAsync(SipEndpoint destination, CancellationToken cancellationToken)
    {
        var remote = destination.Address;
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(remote, timeout.Token);
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
        return Adopt(socket, inbound: false, destination.Protocol);
    }

    /// <summary>TCP connections refused at accept because a limit was reached (total or per source).</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);

    private TcpConnection? Adopt(Socket socket, bool inbound, SipProtocol protocol)
    {
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var fromSource = _perSource.AddOrUpdate(remote.Address, 1, (_, count) => count + 1);
        if (inbound && (Volatile.Read(ref _open) >= _options.MaxConnections || fromSource > _options.MaxConnectionsPerSource))
        {
            Release(remote.Address);
            Interlocked.Increment(ref _refused);
            socket.Dispose();
            return null;
        }
        Interlocked.Increment(ref _open);
        var connection = new TcpConnection(socket, _inbound, _options, Secure(protocol, inbound, remote)) { IsOutbound = !inbound };
        // A newer connection from the same address replaces the older one for sending; both keep receiving.
        _connections[connection.Endpoint] = connection;
        connection.Start(closed =>
        {
            var wasCurrent = _connections.TryRemove(new KeyValuePair<SipEndpoint, TcpConnection>(closed.Endpoint, closed));
            Interlocked.Decrement(ref _open);
            Release(closed.Remote.Address);
            if (wasCurrent && !_stop.IsCancellationRequested)
            {
                ConnectionClosed?.Invoke(closed.Endpoint);
            }
        });
        return connection;
    }

    private void Release(IPAddress address)
    {
        if (_perSource.AddOrUpdate(address, 0, (_, count) => count - 1) <= 0)
        {
            _perSource.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
        await Task.WhenAll(_acceptLoops);
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync();
            // Its receive loop has ended too, so nothing of this host runs after DisposeAsync returns.
            await connection.Completion;
        }
        foreach (var channel in _udp)
        {
            await channel.DisposeAsync();
        }
        _stop.Dispose();
    }
}
