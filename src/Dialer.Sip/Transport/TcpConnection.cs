using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Transport;

/// <summary>
/// One TCP connection, inbound or outbound: a receive loop that frames the stream by Content-Length (a partial
/// message waits for more bytes, but not longer than the partial-message timeout), answers CRLFCRLF pings with CRLF
/// (RFC 5626 §3.5.1), and closes on garbage, when idle, when a send stalls, or when more bytes wait to be sent to a
/// peer that does not read than <see cref="SipTransportOptions.MaxQueuedBytes"/>. Over TLS the same loop reads and
/// writes an <see cref="SslStream"/> once the handshake is done (bounded by <see cref="Tls.SipTlsOptions.HandshakeTimeout"/>);
/// sends queued before that wait for it.
/// </summary>
internal sealed class TcpConnection : IAsyncDisposable
{
    private readonly SipTransportOptions _options;
    private readonly ITimer _watch;
    private long _lastActivity;
    private long _partialSince;
    private long _queued;
    private const int MaxBuffer = SipParser.MaxHeaderBytes + SipParser.MaxBodyBytes;
    private readonly Socket _socket;
    private readonly InboundProcessor _inbound;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Socket, CancellationToken, Task<SslStream>>? _secure;
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SslStream? _tls;

    /// <param name="socket">The connected socket.</param>
    /// <param name="inbound">Where received messages go.</param>
    /// <param name="options">Timeouts and bounds.</param>
    /// <param name="secure">The TLS handshake (server or client side) for a TLS connection; null for plain TCP.</param>
    public TcpConnection(Socket socket, InboundProcessor inbound, SipTransportOptions options, Func<Socket, CancellationToken, Task<SslStream>>? secure = null)
    {
        _secure = secure;
        if (secure is null)
        {
            _ready.SetResult(true);
        }
        _socket = socket;
        _inbound = inbound;
        _options = options;
        _lastActivity = options.Time.GetUtcNow().UtcTicks;
        var check = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 100, Math.Min(options.IdleTimeout.Ticks, options.PartialMessageTimeout.Ticks) / 4));
        _watch = options.Time.CreateTimer(_ => Watch(), null, check, check);
        socket.NoDelay = true;
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
        Local = (IPEndPoint)socket.LocalEndPoint!;
        Endpoint = new SipEndpoint(secure is null ? SipProtocol.Tcp : SipProtocol.Tls, Remote);
    }

    public IPEndPoint Remote { get; }
    public IPEndPoint Local { get; }
    public SipEndpoint Endpoint { get; }
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start(Action<TcpConnection> closed) => Completion = Task.Run(async () =>
    {
        try
        {
            if (await HandshakeAsync())
            {
                await ReceiveLoopAsync();
            }
        }
        finally
        {
            closed(this);
            await DisposeAsync();
        }
    });

    public bool IsClosed => _stop.IsCancellationRequested;

    /// <summary>True once the connection can carry messages (at once for TCP, after the handshake for TLS); false if it never will.</summary>
    public Task<bool> Ready => _ready.Task;

    private async Task<bool> HandshakeAsync()
    {
        if (_secure is null)
        {
            return true;
        }
        using var timeout = new CancellationTokenSource(_options.Tls.HandshakeTimeout, _options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
        try
        {
            _tls = await _secure(_socket, linked.Token);
            Touch();
            _ready.TrySetResult(true);
            return true;
        }
        catch (Exception error) when (Tls.TlsHandshake.IsHandshakeError(error))
        {
            _options.Tls.HandshakeFailed?.Invoke(Remote, !IsOutbound, error);
            _ready.TrySetResult(false);
            return false;
        }
    }

    /// <summary>We opened this connection (we are the TLS client).</summary>
    public bool IsOutbound { get; init; }

    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (Interlocked.Add(ref _queued, message.Length) > _options.MaxQueuedBytes)
        {
            // A peer that never reads: bounded memory, not an ever longer queue.
            Interlocked.Add(ref _queued, -message.Length);
            Close();
            return false;
        }
        try
        {
            if (!await _ready.Task.WaitAsync(cancellationToken))
            {
                Interlocked.Add(ref _queued, -message.Length);
                return false;
            }
            await _sendLock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Add(ref _queued, -message.Length);
            return false;
        }
        using var timeout = new CancellationTokenSource(_options.SendTimeout, _options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _stop.Token);
        try
        {
            if (_tls is { } tls)
            {
                await tls.WriteAsync(message, linked.Token);
            }
            else
            {
                var sent = 0;
                while (sent < message.Length)
                {
                    sent += await _socket.SendAsync(message[sent..], SocketFlags.None, linked.Token);
                }
            }
            Touch();
            return true;
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            if (timeout.IsCancellationRequested || _tls is not null)
            {
                Close(); // the peer stopped taking data mid-message (or a TLS record is half written): the stream is unusable now
            }
            return false;
        }
        finally
        {
            Interlocked.Add(ref _queued, -message.Length);
            _sendLock.Release();
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, _options.Time.GetUtcNow().UtcTicks);

    /// <summary>Closes an idle connection and one that has held a half-received message too long.</summary>
    private void Watch()
    {
        var now = _options.Time.GetUtcNow().UtcTicks;
        var partial = Volatile.Read(ref _partialSince);
        if (now - Volatile.Read(ref _lastActivity) >= _options.IdleTimeout.Ticks || (partial != 0 && now - partial >= _options.PartialMessageTimeout.Ticks))
        {
            Close();
        }
    }

    private void Close()
    {
        try
        {
            _stop.Cancel();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        var filled = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxBuffer)
                    {
                        return;
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBuffer));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = _tls is { } tls
                    ? await tls.ReadAsync(buffer.AsMemory(filled), _stop.Token)
                    : await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    return;
                }
                filled += read;
                Touch();
                var used = Drain(buffer.AsMemory(0, filled));
                if (used < 0)
                {
                    return;
                }
                buffer.AsSpan(used, filled - used).CopyTo(buffer);
                filled -= used;
                // Bytes of a message still to come: the partial-message clock runs from when they first arrived.
                if (filled == 0)
                {
                    Volatile.Write(ref _partialSince, 0);
                }
                else if (Volatile.Read(ref _partialSince) == 0)
                {
                    Volatile.Write(ref _partialSince, _options.Time.GetUtcNow().UtcTicks);
                }
            }
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The peer went away (or broke the TLS framing) or we are stopping; the connection simply ends.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <returns>Bytes consumed, or -1 when the stream lost its framing and the connection must close.</returns>
    private int Drain(ReadOnlyMemory<byte> data)
    {
        var used = 0;
        while (used < data.Length)
        {
            var message = new SipMessage();
            var status = SipParser.Parse(data[used..], SipFraming.Stream, message, out var consumed);
            switch (status)
            {
                case ParseStatus.Incomplete:
                    return used;
                case ParseStatus.KeepAlive:
                    if (consumed >= 4)
                    {
                        _ = SendAsync("\r\n"u8.ToArray(), CancellationToken.None).AsTask();
                    }
                    used += consumed;
                    break;
                case ParseStatus.Complete:
                    // The receive buffer is reused: give the message bytes of its own before it leaves.
                    var own = data.Slice(used, consumed).ToArray();
                    var copy = new SipMessage();
                    SipParser.Parse(own, SipFraming.Stream, copy, out _);
                    _inbound.Process(copy, status, Endpoint, Local);
                    used += consumed;
                    break;
                default:
                    _inbound.Process(message, status, Endpoint, Local);
                    return -1;
            }
        }
        return used;
    }

    public async ValueTask DisposeAsync()
    {
        await _watch.DisposeAsync();
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }
        _ready.TrySetResult(false);
        if (_tls is not null)
        {
            await _tls.DisposeAsync();
        }
        _socket.Dispose();
    }
}
