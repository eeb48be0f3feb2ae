namespace Dialer.Sip.Hep;

/// <summary>How <see cref="HepMirror"/> copies SIP to a collector (Dialer:Sip:Hep in the host's configuration).</summary>
public sealed record HepMirrorOptions
{
    /// <summary>The default capture agent id: Kamailio's hep_capture_id defaults to 1 and heplify's to 2002; 2001 tells the edge apart from both.</summary>
    public const uint DefaultCaptureId = 2001;

    public required HepCollector Collector { get; init; }

    /// <summary>The capture agent (node) id the collector files packets under (chunk 0x000c).</summary>
    public uint CaptureId { get; init; } = DefaultCaptureId;

    /// <summary>The collector's password (chunk 0x000e, Homer's auth key); empty sends none.</summary>
    public string AuthKey { get; init; } = "";

    /// <summary>Messages waiting to be sent at most; beyond it a copy is dropped and counted, the SIP message never waits.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>How often a collector given by name is resolved again (a failed lookup is retried after a tenth of this).</summary>
    public TimeSpan ResolveInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The clock of the packets' timestamps and of re-resolution.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Told when the collector cannot be resolved or reached (once per change of state); the host logs it.</summary>
    public Action<string>? Problem { get; init; }
}
