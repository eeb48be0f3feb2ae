using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Dialer.Edge.Calls;
using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Edge.Location;
using Dialer.Edge.Registrar;
using Dialer.Edge.Trunks;
using Dialer.Peers.Health;
using Dialer.Peers.Model;
using Dialer.Peers.Snapshot;
using Dialer.Peers.Storage;
using Dialer.Sip.Auth;
using Dialer.Sip.Diagnostics;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Timing;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge;

/// <summary>
/// The SIP edge as one unit: transports, transaction layer, core, location service, snapshot refresher and
/// binding writer. Start binds and begins serving; Stop drains (new requests 503), flushes bindings and closes.
/// </summary>
public sealed partial class EdgeService : IAsyncDisposable
{
    private readonly EdgeSettings _settings;
    private readonly PeerSnapshotSource _peers;
    private readonly TrunkStatusBoard _board;
    private readonly SnapshotRefresher _refresher;
    private readonly BindingStore _bindings;
    private readonly BindingWriter _writer;
    private readonly CallLogWriter _callLog;
    private readonly TimerHeap _time;
    private readonly ILoggerFactory _loggers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private SipTransportHost? _transport;
    private EdgeCore? _core;
    private TransactionLayer? _layer;

    public EdgeService(EdgeSettings settings, PeerRepository repository, PeerDatabase database, PeerSnapshotSource peers, TrunkStatusBoard board,
        TimeProvider time, ILoggerFactory loggers, IMeterFactory? meters = null, ISipTap? tap = null)
    {
        _tap = tap;
        _board = board;
        ArgumentNullException.ThrowIfNull(loggers);
        _settings = settings;
        _peers = peers;
        // Every timer of the edge (transactions, dialogs, write-behind delays) in one heap on one runtime timer.
        _time = new TimerHeap(time);
        _loggers = loggers;
        _bindings = new BindingStore(database);
        _writer = new BindingWriter(_bindings, _time, loggers.CreateLogger<BindingWriter>(), tombstones: settings.Cluster.Enabled);
        _refresher = new SnapshotRefresher(new PeerSnapshotLoader(repository), peers, repository, _time, settings.SnapshotPoll,
            loggers.CreateLogger<SnapshotRefresher>());
        Location = new LocationService(_time, _writer);
        _callLog = new CallLogWriter(new CallLogStore(database), _time, loggers.CreateLogger<CallLogWriter>());
        Ledger = new ChannelLedger(_time, settings.MaxChannels, _callLog.Add) { Clustered = settings.Cluster.Enabled, LeaseChunk = settings.Cluster.LeaseChunk };
        if (settings.Cluster.Enabled)
        {
            var policy = new LeasePolicy(settings.Cluster.DeadAfter, settings.Cluster.OrphanHold);
            Leases = new ClusterLeases(new LeaseStore(database, settings.Cluster.NodeId, policy), Ledger, settings.Cluster, _time, loggers.CreateLogger<ClusterLeases>());
            _locationSync = new LocationSync(_bindings, Location, settings.Cluster.LocationPoll, _time, loggers.CreateLogger<LocationSync>());
        }
        Dialogs = new DialogTable(new DialogToken(settings.DialogKey), _time, settings.MaxCallDuration, settings.MaxDialogs);
        _logger = loggers.CreateLogger<EdgeService>();
        _clusterRoutes = settings.Cluster.Enabled ? new ClusterRoutes() : null;
        var callers = new CallerClassifier(settings, peers, Location, _clusterRoutes);
        Flood = new FloodGuard(settings.Flood, callers.IsConfigured, _time, loggers.CreateLogger<FloodGuard>());
        _dialogStore = new DialogStore(database, settings.Cluster.Enabled ? settings.Cluster.NodeId : "");
        if (_clusterRoutes is not null)
        {
            _clusterDialogs = new ClusterDialogs(_dialogStore, Dialogs, _clusterRoutes, peers, settings.Cluster, _time, loggers.CreateLogger<ClusterDialogs>());
        }
        _dialogWriter = new DialogWriter(_dialogStore, _time, loggers.CreateLogger<DialogWriter>());
        Dialogs.Changed += _dialogWriter.Changed;
        _sipMetrics = new SipMetrics(meters);
        Metrics = new EdgeMetrics(meters, this);
    }

    private readonly SipMetrics _sipMetrics;

    /// <summary>The SIP stack's message counts (exported by the host).</summary>
    public SipMetrics SipMetrics => _sipMetrics;
    private readonly ISipTap? _tap;

    /// <summary>The edge's instruments (setup time, live transactions and dialogs, write-behind queues).</summary>
    public EdgeMetrics Metrics { get; }

    public int ServerTransactionCount => _layer?.ServerCount ?? 0;
    public int ClientTransactionCount => _layer?.ClientCount ?? 0;

    /// <summary>The write-behind queues to MariaDB: bindings, the carrier log, dialogs.</summary>
    public IReadOnlyList<WriteBehindFigures> WriteBehind =>
    [
        new("bindings", _writer.Depth, _writer.Dropped),
        new("call_log", _callLog.Depth, _callLog.Dropped),
        new("dialogs", _dialogWriter.Depth, _dialogWriter.Dropped),
    ];

    private readonly ILogger<EdgeService> _logger;
    private readonly DialogStore _dialogStore;
    private readonly DialogWriter _dialogWriter;

    private readonly LocationSync? _locationSync;
    private readonly ClusterRoutes? _clusterRoutes;
    private readonly ClusterDialogs? _clusterDialogs;

    /// <summary>This node's channel grants when it is one of several edges (Dialer:Cluster); null alone.</summary>
    public ClusterLeases? Leases { get; }

    /// <summary>The per-source flood limiter in front of everything the edge receives.</summary>
    public FloodGuard Flood { get; }

    /// <summary>The live calls through this edge.</summary>
    public DialogTable Dialogs { get; }

    public LocationService Location { get; }

    /// <summary>Channels in use per trunk (GET /api/channels, /metrics).</summary>
    public ChannelLedger Ledger { get; }
    public IReadOnlyList<SipListenAddress> Bound => _transport?.Bound ?? [];
    public long MalformedCount => _transport?.MalformedCount ?? 0;

    /// <summary>Messages whose handling threw: always a bug (the fuzz tests expect none).</summary>
    public long FailedCount => _transport?.FailedCount ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A database outage at start must not keep phones from registering once it returns: serve what we have.
        await _refresher.RefreshAsync(cancellationToken);
        try
        {
            // Clustered, a binding removed on another node lingers a minute as an expired row, so every node sees it go.
            var now = _time.GetUtcNow();
            Location.Restore(await _bindings.LoadAsync(now, _settings.Cluster.Enabled ? now - LocationSync.TombstoneLife : null, cancellationToken));
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            _loggers.CreateLogger<EdgeService>().LogWarning("Bindings could not be restored: {Reason}", error.Message);
        }
        await RestoreDialogsAsync(cancellationToken);
        if (Leases is not null)
        {
            // Before anything is admitted: this node is alive, and the channels of the dialogs it restored are its own.
            await Leases.BeatAsync(cancellationToken);
        }
        var tlsLog = _loggers.CreateLogger("Dialer.Edge.Tls");
        _transport = new SipTransportHost(Receive, new SipTransportOptions { Time = _time, Tap = _tap, Tls = EdgeTls.Options(_settings.Tls, tlsLog) }, _sipMetrics);
        if (_settings.DropBindingsOnLostConnection)
        {
            _transport.ConnectionClosed += new LostConnections(Location, _loggers.CreateLogger<LostConnections>()).Closed;
        }
        _transport.Start(_settings.Listen);
        NatKeepalive keepalive;
        (_layer, _core, keepalive) = EdgeComposition.Compose(new EdgeParts(_settings, _transport, _transport.Bound, _peers, Location, Ledger, Dialogs, _board, _time, _loggers)
        {
            SipMetrics = _sipMetrics,
            Metrics = Metrics,
            TlsPeers = _transport.TlsPeers,
            Leases = Leases,
            ClusterDialogs = _clusterDialogs,
            ClusterRoutes = _clusterRoutes,
        });
        EdgeTls.WatchUnverified(_peers, tlsLog);
        _loops.Add(Task.Run(() => _refresher.RunAsync(_stop.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => _writer.RunAsync(_stop.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => _callLog.RunAsync(_stop.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => _dialogWriter.RunAsync(_stop.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => keepalive.RunAsync(_stop.Token), CancellationToken.None));
        if (Leases is not null && _locationSync is not null)
        {
            _loops.Add(Task.Run(() => Leases.RunAsync(_stop.Token), CancellationToken.None));
            _loops.Add(Task.Run(() => _locationSync.RunAsync(_stop.Token), CancellationToken.None));
        }
        if (_clusterDialogs is not null)
        {
            _clusterDialogs.Listening(_transport.Bound);
            await _clusterDialogs.PollAsync(cancellationToken);
            _loops.Add(Task.Run(() => _clusterDialogs.RunAsync(_stop.Token), CancellationToken.None));
        }
    }

    /// <summary>Calls that were up when the edge stopped: their channels charged again, their BYEs routable, their timeouts running.</summary>
    private async Task RestoreDialogsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = _peers.Current;
            var restored = 0;
            foreach (var row in await _dialogStore.LoadAsync(_time.GetUtcNow(), cancellationToken))
            {
                restored += DialogRecords.Restore(row, Dialogs, Ledger, snapshot) ? 1 : 0;
            }
            if (restored > 0)
            {
                LogRestored(_logger, restored);
            }
        }
        catch (Exception error) when (DatabaseErrors.IsFailure(error))
        {
            _loggers.CreateLogger<EdgeService>().LogWarning("Dialogs could not be restored: {Reason}", error.Message);
        }
    }

    /// <summary>Waits until confirmed and ended dialogs are stored (tests).</summary>
    public Task FlushDialogsAsync(TimeSpan timeout) => _dialogWriter.DrainAsync(timeout);

    private void Receive(SipMessage message, SipEndpoint source)
    {
        if (!Flood.Allow(source.Address.Address))
        {
            return; // a flooding source is dropped silently: no answer, no state
        }
        if (message.IsRequest)
        {
            _layer?.ReceiveRequest(message, source);
        }
        else
        {
            _layer?.ReceiveResponse(message, source);
        }
    }

    /// <summary>Drains: new requests get 503 for <paramref name="grace"/>, then everything stops and bindings are flushed.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _core?.Drain();
        if (_layer is not null)
        {
            var deadline = _time.GetUtcNow() + grace;
            while ((_layer.ServerCount > 0 || _layer.ClientCount > 0) && _time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time);
            }
        }
        // The carrier log has every call still up, in case this node does not come back; a restarted edge updates the row when the call ends.
        foreach (var dialog in Dialogs.Live())
        {
            if (dialog.State == DialogState.Confirmed && dialog.Record is { } record)
            {
                _callLog.Add(record.EndedCopy(_time.GetUtcNow(), "shutdown"));
            }
        }
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
            _transport = null;
        }
    }

    /// <summary>Waits until queued binding changes are stored (tests).</summary>
    public Task FlushBindingsAsync(TimeSpan timeout) => _writer.DrainAsync(timeout);

    /// <summary>Waits until ended calls are in the carrier log (tests).</summary>
    public Task FlushCallLogAsync(TimeSpan timeout) => _callLog.DrainAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync(TimeSpan.Zero);
        }
        Location.Dispose();
        Metrics.Dispose();
        _sipMetrics.Dispose();
        _stop.Dispose();
        _time.Dispose();
    }

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Restored {Count} live call(s) from before the restart")]
    private static partial void LogRestored(ILogger logger, int count);
}
