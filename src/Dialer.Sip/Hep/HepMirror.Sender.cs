using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Dialer.Sip.Message;
using Dialer.Sip.Parsing;

namespace Dialer.Sip.Hep;

/// <summary>The background sender: resolves the collector, encodes each copy into one reused buffer, sends it over UDP.</summary>
public sealed partial class HepMirror
{
    private Socket? _socket;
    private IPEndPoint? _target;
    private DateTimeOffset _nextResolve = DateTimeOffset.MinValue;
    private bool _troubled;

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var packet = GC.AllocateUninitializedArray<byte>(HepEncoder.MaxPacket);
        var scratch = new SipMessage();
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var capture))
                {
                    try
                    {
                        await SendAsync(capture, packet, scratch, cancellationToken);
                    }
#pragma warning disable CA1031 // The mirror must outlive any copy it cannot encode or send; that copy is counted and lost.
                    catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
                    {
                        Interlocked.Increment(ref _sendFailed);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(capture.Buffer);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is still queued is returned by StopAsync.
        }
    }

    private async ValueTask SendAsync(CapturedCopy capture, byte[] packet, SipMessage scratch, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(cancellationToken);
        if (target is null)
        {
            Interlocked.Increment(ref _unresolved);
            return;
        }
        var length = Encode(capture, packet, scratch);
        if (length == 0)
        {
            Interlocked.Increment(ref _tooLarge);
            return;
        }
        try
        {
            if (_socket is null || _socket.AddressFamily != target.AddressFamily)
            {
                _socket?.Dispose();
                _socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            }
            await _socket.SendToAsync(packet.AsMemory(0, length), SocketFlags.None, target, cancellationToken);
            Interlocked.Increment(ref _sent);
            Recovered();
        }
        catch (SocketException error)
        {
            Interlocked.Increment(ref _sendFailed);
            Trouble($"HEP collector {_options.Collector} ({target}) could not be sent to: {error.Message}");
        }
    }

    /// <summary>The HEP bytes of one copy; the Call-ID is its correlation id when the copy parses as SIP.</summary>
    private int Encode(in CapturedCopy capture, byte[] packet, SipMessage scratch)
    {
        var payload = capture.Buffer.AsMemory(0, capture.Length);
        var callId = SipParser.Parse(payload, SipFraming.Datagram, scratch, out _) == ParseStatus.Complete ? scratch.CallId : default;
        var hep = new HepPacket
        {
            Protocol = capture.Protocol,
            Source = capture.Source,
            Destination = capture.Destination,
            Timestamp = capture.Time,
            CaptureId = _options.CaptureId,
            AuthKey = _authKey,
            CorrelationId = callId.Length <= 1024 ? callId : default,
            Payload = payload.Span,
        };
        return HepEncoder.Write(hep, packet);
    }

    /// <summary>The collector's address: an IP literal as given, a name resolved now and then (a failed lookup keeps the last answer).</summary>
    private async ValueTask<IPEndPoint?> TargetAsync(CancellationToken cancellationToken)
    {
        if (_options.Collector.Literal is { } literal)
        {
            return _target ??= new IPEndPoint(literal, _options.Collector.Port);
        }
        var now = _options.Time.GetUtcNow();
        if (now < _nextResolve)
        {
            return _target;
        }
        try
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(_options.Collector.Host, cancellationToken);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (address is null)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }
            _target = new IPEndPoint(address, _options.Collector.Port);
            _nextResolve = now + _options.ResolveInterval;
        }
        catch (SocketException error)
        {
            _nextResolve = now + _options.ResolveInterval / 10;
            Trouble($"HEP collector {_options.Collector} did not resolve: {error.Message}" + (_target is null ? "" : $"; still sending to {_target}"));
        }
        return _target;
    }

    private void Trouble(string problem)
    {
        if (!_troubled)
        {
            _troubled = true;
            _options.Problem?.Invoke(problem);
        }
    }

    private void Recovered()
    {
        if (_troubled)
        {
            _troubled = false;
            _options.Problem?.Invoke($"HEP collector {_options.Collector} reached again");
        }
    }
}
