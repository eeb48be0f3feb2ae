using System.Threading.Channels;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Location;

/// <summary>
/// Write-behind of binding changes: the registrar answers at once, this loop stores the changes in batches.
/// While the database is down the changes wait (the latest per binding wins) and are written when it returns.
/// </summary>
public sealed partial class BindingWriter(BindingStore store, TimeProvider time, ILogger<BindingWriter> logger)
{
    private readonly Channel<(string Extension, string Contact, Binding? Binding)> _changes =
        Channel.CreateUnbounded<(string, string, Binding?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<(string, string), Binding?> _pending = [];
    private long _outstanding;
    private long _readSinceFlush;
    private long _dropped;

    /// <summary>Binding changes queued or pending, not yet stored (/metrics).</summary>
    public long Depth => Interlocked.Read(ref _outstanding);

    /// <summary>Changes still unstored when the writer stopped (lost); while running it retries until stored.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Changed(IReadOnlyList<Binding> before, IReadOnlyList<Binding> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        foreach (var removed in before.Where(b => !after.Any(a => a.Contact == b.Contact)))
        {
            Interlocked.Increment(ref _outstanding);
            _changes.Writer.TryWrite((removed.Extension, removed.Contact, null));
        }
        foreach (var binding in after.Where(a => !before.Contains(a)))
        {
            Interlocked.Increment(ref _outstanding);
            _changes.Writer.TryWrite((binding.Extension, binding.Contact, binding));
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var reader = _changes.Reader;
        while (true)
        {
            try
            {
                if (_pending.Count == 0 && !await reader.WaitToReadAsync(stoppingToken))
                {
                    break;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
            while (reader.TryRead(out var change))
            {
                _pending[(change.Extension, change.Contact)] = change.Binding;
                _readSinceFlush++;
            }
            if (!await FlushAsync(CancellationToken.None))
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        // Stopping: one last attempt so a clean shutdown loses nothing.
        while (reader.TryRead(out var change))
        {
            _pending[(change.Extension, change.Contact)] = change.Binding;
            _readSinceFlush++;
        }
        await FlushAsync(CancellationToken.None);
        Interlocked.Add(ref _dropped, Interlocked.Read(ref _outstanding));
    }

    /// <summary>Waits until everything queued so far is stored (tests and shutdown).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (Interlocked.Read(ref _outstanding) > 0 && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
        }
    }

    private async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return true;
        }
        try
        {
            await store.UpsertAsync([.. _pending.Values.OfType<Binding>()], cancellationToken);
            await store.DeleteAsync([.. _pending.Where(p => p.Value is null).Select(p => p.Key)], cancellationToken);
            _pending.Clear();
            Interlocked.Add(ref _outstanding, -_readSinceFlush);
            _readSinceFlush = 0;
            return true;
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error) && !DatabaseErrors.IsUnavailable(error))
        {
            try
            {
                Interlocked.Add(ref _dropped, await RowByRow.StoreAsync([.. _pending.Values.OfType<Binding>()], rows => store.UpsertAsync(rows, cancellationToken),
                    (binding, refused) => LogDropped(logger, binding.Extension, refused.Message)));
                await store.DeleteAsync([.. _pending.Where(p => p.Value is null).Select(p => p.Key)], cancellationToken);
                _pending.Clear();
                Interlocked.Add(ref _outstanding, -_readSinceFlush);
                _readSinceFlush = 0;
                return true;
            }
            catch (Exception again) when (DatabaseErrors.IsFailure(again))
            {
                LogWriteFailed(logger, _pending.Count, again.Message);
                return false;
            }
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            LogWriteFailed(logger, _pending.Count, error.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Binding of phone {Extension} refused by the database and dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string extension, string reason);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Could not store {Count} binding changes, retrying: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string reason);
}
