using System.Net;
using System.Net.Sockets;

namespace Dialer.Testing;

/// <summary>A HEP collector for tests: a UDP socket on a free loopback port that decodes everything it receives.</summary>
public sealed class HepReceiver : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<HepDatagram> _received = [];
    private readonly List<string> _errors = [];

    public HepReceiver(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(address, 0));
        Local = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    public IPEndPoint Local { get; }

    /// <summary>"127.0.0.1:PORT" (or "[::1]:PORT"), as Dialer:Sip:Hep:Address takes it.</summary>
    public string Address => Local.ToString();

    public IReadOnlyList<HepDatagram> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Datagrams that did not decode as HEPv3, with the reason.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_received)
            {
                return [.. _errors];
            }
        }
    }

    /// <returns>The packets received once <paramref name="done"/> holds for them, or those received within five seconds.</returns>
    public Task<IReadOnlyList<HepDatagram>> WaitAsync(Func<IReadOnlyList<HepDatagram>, bool> done) =>
        Eventually.ReadAsync(() => Task.FromResult(Received), done, interval: TimeSpan.FromMilliseconds(20));

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65_535];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_received)
            {
                try
                {
                    _received.Add(HepDatagram.Decode(buffer.AsSpan(0, length)));
                }
                catch (FormatException error)
                {
                    _errors.Add(error.Message);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
