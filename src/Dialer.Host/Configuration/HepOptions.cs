namespace Dialer.Host.Configuration;

/// <summary>
/// Dialer:Sip:Hep: a copy of every SIP message the edge receives and sends, as HEPv3 over UDP, to a Homer collector
/// or `sngrep -L` (docs/operations.md, "Capturing SIP (HEP)"). Off while <see cref="Address"/> is empty.
/// </summary>
public sealed class HepOptions
{
    /// <summary>The collector as HOST:PORT (a DNS name or an IP; IPv6 as [::1]:9060); empty = no mirroring.</summary>
    public string Address { get; set; } = "";

    /// <summary>The capture agent id the collector files the edge's packets under (Homer's "capture id" / node).</summary>
    public long CaptureId { get; set; } = Dialer.Sip.Hep.HepMirrorOptions.DefaultCaptureId;

    /// <summary>The collector's password (HEP auth key chunk); empty sends none.</summary>
    public string Password { get; set; } = "";

    /// <summary>Copies waiting to be sent at most; beyond it copies are dropped (and counted), never the SIP.</summary>
    public int QueueSize { get; set; } = 10_000;
}
