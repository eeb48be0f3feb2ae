using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.Channels;
using Dialer.Sip.Diagnostics;
using Dialer.Sip.Transport;

namespace Dialer.Sip.Hep;

/// <summary>
/// Copies every SIP message the transports see to a HEPv3 collector (Homer, sngrep -L), as Kamailio's siptrace with
/// hep_mode_on does. The SIP path pays one pooled copy and a non-blocking enqueue: the queue is bounded, a copy that
/// does not fit is dropped and counted, and one background sender encodes and sends (docs/operations.md,
/// "Capturing SIP (HEP)"). Mirroring is best effort by design: UDP to the collector, no retries.
/// </summary>
public sealed partial class HepMirror : ISipTap, IAsyncDisposable
{
    private readonly HepMirrorOptions _options;
    private readonly Channel<CapturedCopy> _queue;
    private readonly byte[] _authKey;
    private readonly CancellationTokenSource _stop = new();
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private Task? _sender;
    private long _sent;
    private long _queueFull;
    private long _tooLarge;
    private long _unresolved;
    private long _sendFailed;

    /// <param name="options">The collector and the queue's bound.</param>
    /// <param name="meters">Where the hep.* counters go (the host's, so /metrics shows them); null keeps them private.</param>
    public HepMirror(HepMirrorOptions options, IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1, nameof(options));
        _options = options;
        _authKey = System.Text.Encoding.UTF8.GetBytes(options.AuthKey);
        // FullMode.Wait with TryWrite only: a full queue refuses at once (false), so the writer never waits.
        _queue = Channel.CreateBounded<CapturedCopy>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _ownsMeter = meters is null;
        _meter = meters?.Create(SipMetrics.MeterName) ?? new Meter(SipMetrics.MeterName);
        _meter.CreateObservableCounter("hep.packets.sent.total", () => Sent, description: "HEP packets sent to the collector (Dialer:Sip:Hep).");
        _meter.CreateObservableCounter("hep.packets.dropped.total", DroppedMeasurements,
            description: "SIP copies not mirrored over HEP, by reason: queue_full, too_large, unresolved (collector name did not resolve), send_failed.");
    }

    public HepCollector Collector => _options.Collector;

    /// <summary>HEP packets handed to the collector's socket.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Copies dropped because the queue was full (the sender or the collector's path is too slow).</summary>
    public long DroppedQueueFull => Interlocked.Read(ref _queueFull);

    /// <summary>Copies that were not sent for any reason (queue full, too large, collector unresolved, send error).</summary>
    public long Dropped => DroppedQueueFull + Interlocked.Read(ref _tooLarge) + Interlocked.Read(ref _unresolved) + Interlocked.Read(ref _sendFailed);

    /// <summary>Copies waiting for the sender.</summary>
    public int Depth => _queue.Reader.CanCount ? _queue.Reader.Count : 0;

    /// <summary>Starts the background sender; copies captured before it are queued (up to the bound) and sent then.</summary>
    public void Start()
    {
        _sender ??= Task.Run(() => SendLoopAsync(_stop.Token));
    }

    public void Capture(SipProtocol protocol, IPEndPoint source, IPEndPoint destination, ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            return;
        }
        if (message.Length > HepEncoder.MaxPacket)
        {
            Interlocked.Increment(ref _tooLarge);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(message.Length);
        message.CopyTo(buffer);
        if (!_queue.Writer.TryWrite(new CapturedCopy(protocol, source, destination, _options.Time.GetUtcNow(), buffer, message.Length)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _queueFull);
        }
    }

    /// <summary>Stops taking copies, sends what is queued for up to <paramref name="flush"/>, then stops the sender.</summary>
    public async Task StopAsync(TimeSpan flush)
    {
        _queue.Writer.TryComplete();
        if (_sender is not null)
        {
            await Task.WhenAny(_sender, Task.Delay(flush, _options.Time));
            await _stop.CancelAsync();
            await _sender;
        }
        while (_queue.Reader.TryRead(out var left))
        {
            ArrayPool<byte>.Shared.Return(left.Buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(1));
        _socket?.Dispose();
        _stop.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private Measurement<long>[] DroppedMeasurements() =>
    [
        new(DroppedQueueFull, new KeyValuePair<string, object?>("reason", "queue_full")),
        new(Interlocked.Read(ref _tooLarge), new KeyValuePair<string, object?>("reason", "too_large")),
        new(Interlocked.Read(ref _unresolved), new KeyValuePair<string, object?>("reason", "unresolved")),
        new(Interlocked.Read(ref _sendFailed), new KeyValuePair<string, object?>("reason", "send_failed")),
    ];

    /// <summary>One copy in the queue: its bytes live in a pooled buffer that the sender returns.</summary>
    private readonly record struct CapturedCopy(SipProtocol Protocol, IPEndPoint Source, IPEndPoint Destination, DateTimeOffset Time, byte[] Buffer, int Length);
}
