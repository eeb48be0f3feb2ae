using Dialer.Host.Configuration;
using Dialer.Sip.Hep;

namespace Dialer.Host.Hosting;

/// <summary>Turns Dialer:Sip:Hep into the mirror's options; null when mirroring is off. Bad values are reported by key.</summary>
public static class HepSettingsFactory
{
    public static HepMirrorOptions? From(HepOptions hep, List<string> failures, TimeProvider? time = null, Action<string>? problem = null)
    {
        ArgumentNullException.ThrowIfNull(hep);
        ArgumentNullException.ThrowIfNull(failures);
        if (string.IsNullOrWhiteSpace(hep.Address))
        {
            return null;
        }
        var ok = true;
        if (!HepCollector.TryParse(hep.Address.Trim(), out var collector))
        {
            failures.Add($"Dialer:Sip:Hep:Address '{hep.Address}' must be HOST:PORT (a name or an IP, IPv6 as [::1]:9060)");
            ok = false;
        }
        if (hep.CaptureId is < 0 or > uint.MaxValue)
        {
            failures.Add("Dialer:Sip:Hep:CaptureId must be between 0 and 4294967295");
            ok = false;
        }
        if (hep.QueueSize < 1)
        {
            failures.Add("Dialer:Sip:Hep:QueueSize must be >= 1");
            ok = false;
        }
        return ok
            ? new HepMirrorOptions
            {
                Collector = collector!,
                CaptureId = (uint)hep.CaptureId,
                AuthKey = hep.Password,
                QueueCapacity = hep.QueueSize,
                Time = time ?? TimeProvider.System,
                Problem = problem,
            }
            : null;
    }
}
