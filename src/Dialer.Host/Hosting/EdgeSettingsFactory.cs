using Dialer.Edge;
using Dialer.Edge.Calls;
using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Host.Configuration;
using Dialer.Peers.Security;
using Dialer.Peers.Model;
using Dialer.Sip.Transport;
using Dialer.Sip.Transport.Tls;

namespace Dialer.Host.Hosting;

/// <summary>Turns the Dialer:Sip and Dialer:Edge configuration into the edge's settings; reports bad values by key.</summary>
public static class EdgeSettingsFactory
{
    public static readonly string[] DefaultListen = ["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"];

    public static EdgeSettings From(DialerOptions options, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(failures);
        var listen = new List<SipListenAddress>();
        var configured = options.Sip.Listen.Count == 0 ? [.. DefaultListen] : options.Sip.Listen;
        for (var i = 0; i < configured.Count; i++)
        {
            if (SipListenAddress.TryParse(configured[i], out var address))
            {
                listen.Add(address);
            }
            else
            {
                failures.Add($"Dialer:Sip:Listen:{i} '{configured[i]}' must be udp:IP:PORT, tcp:IP:PORT or tls:IP:PORT");
            }
        }
        var acl = new List<Cidr>();
        for (var i = 0; i < options.Edge.DialerAcl.Count; i++)
        {
            if (Cidr.TryParse(options.Edge.DialerAcl[i], out var cidr, out var error))
            {
                acl.Add(cidr.Value);
            }
            else
            {
                failures.Add($"Dialer:Edge:DialerAcl:{i} {error}");
            }
        }
        var edge = options.Edge;
        if (edge.MinExpires < 1 || edge.MaxExpires < edge.MinExpires || edge.DefaultExpires < edge.MinExpires || edge.DefaultExpires > edge.MaxExpires)
        {
            failures.Add("Dialer:Edge: need 1 <= MinExpires <= DefaultExpires <= MaxExpires");
        }
        var policy = edge.MaxContactsPolicy.ToLowerInvariant() switch
        {
            "remove_existing" => MaxContactsPolicy.RemoveExisting,
            "reject" => MaxContactsPolicy.Reject,
            _ => (MaxContactsPolicy?)null,
        };
        if (policy is null)
        {
            failures.Add("Dialer:Edge:MaxContactsPolicy must be remove_existing or reject");
        }
        if (edge.MaxChannels < 0 || edge.MaxCallSeconds < 1)
        {
            failures.Add("Dialer:Edge: MaxChannels must be >= 0 and MaxCallSeconds >= 1");
        }
        if (edge.LockoutFailures < 1 || edge.LockoutWindowSeconds < 1 || edge.LockoutSeconds < 1 || edge.SnapshotPollMs < 50)
        {
            failures.Add("Dialer:Edge: LockoutFailures, LockoutWindowSeconds and LockoutSeconds must be >= 1, SnapshotPollMs >= 50");
        }
        var algorithms = new List<Dialer.Sip.Auth.DigestAlgorithm>();
        foreach (var name in edge.DigestAlgorithms.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Dialer.Sip.Auth.DigestAlgorithms.TryParse(name, out var algorithm) && !algorithms.Contains(algorithm))
            {
                algorithms.Add(algorithm);
            }
            else
            {
                failures.Add($"Dialer:Edge:DigestAlgorithms '{name}' must be MD5 or SHA-256, each once");
            }
        }
        var extensionMode = edge.ExtensionMode.ToLowerInvariant() switch
        {
            "proxy" => ExtensionMode.Proxy,
            "redirect" => ExtensionMode.Redirect,
            _ => (ExtensionMode?)null,
        };
        if (extensionMode is null)
        {
            failures.Add("Dialer:Edge:ExtensionMode must be proxy or redirect");
        }
        if (edge.MaxDialogs < 1)
        {
            failures.Add("Dialer:Edge:MaxDialogs must be >= 1");
        }
        return new EdgeSettings
        {
            Cluster = Cluster(options, listen, failures),
            ExtensionMode = extensionMode ?? ExtensionMode.Proxy,
            ForceRport = edge.ForceRport,
            MaxTransactions = Math.Max(1, edge.MaxTransactions),
            Flood = Flood(edge.Flood, failures),
            NatPingInterval = TimeSpan.FromSeconds(Math.Max(0, edge.NatPingSeconds)),
            NatPingMisses = Math.Max(1, edge.NatPingMisses),
            DropBindingsOnLostConnection = edge.DropBindingsOnLostConnection,
            MaxDialogs = Math.Max(1, edge.MaxDialogs),
            DialogKey = DialogKey(options, failures),
            // Reported once, by the options validator.
            Dns = DnsSettingsFactory.From(options, []),
            Tls = Tls(options.Sip.Tls, listen.Any(l => l.Protocol == SipProtocol.Tls), failures),
            Listen = listen,
            Domains = options.Sip.Domains,
            Realm = options.Sip.Realm,
            DialerAcl = acl,
            SnapshotPoll = TimeSpan.FromMilliseconds(Math.Max(50, edge.SnapshotPollMs)),
            MaxChannels = Math.Max(0, edge.MaxChannels),
            MaxCallDuration = TimeSpan.FromSeconds(Math.Max(1, edge.MaxCallSeconds)),
            Registrar = new RegistrarSettings
            {
                MinExpires = edge.MinExpires,
                MaxExpires = edge.MaxExpires,
                DefaultExpires = edge.DefaultExpires,
                MaxContacts = policy ?? MaxContactsPolicy.RemoveExisting,
                // RFC 8760 §3: the preferred (stronger) algorithm first; MD5 alone unless SHA-256 is asked for.
                DigestAlgorithms = algorithms.Count == 0 ? [Dialer.Sip.Auth.DigestAlgorithm.Md5] : [.. algorithms.OrderByDescending(a => a == Dialer.Sip.Auth.DigestAlgorithm.Sha256)],
            },
            Lockout = new LockoutSettings
            {
                MaxFailures = edge.LockoutFailures,
                Window = TimeSpan.FromSeconds(edge.LockoutWindowSeconds),
                CoolOff = TimeSpan.FromSeconds(edge.LockoutSeconds),
            },
        };
    }

    /// <summary>Dialer:Cluster as the edge's settings; a node id defaults to the host name and the first listen address.</summary>
    private static Dialer.Edge.Trunks.ClusterSettings Cluster(DialerOptions options, List<SipListenAddress> listen, List<string> failures)
    {
        var cluster = options.Cluster;
        if (!cluster.Enabled)
        {
            return new();
        }
        var node = cluster.NodeId.Length > 0 ? cluster.NodeId : $"{Environment.MachineName}/{(listen.Count > 0 ? listen[0].ToString() : "edge")}";
        if (node.Length > 64)
        {
            failures.Add($"Dialer:Cluster:NodeId '{node}' must be at most 64 characters");
        }
        if (cluster.HeartbeatMs < 100 || cluster.DeadAfterSeconds * 1000 < 3 * cluster.HeartbeatMs || cluster.OrphanHoldSeconds < 0
            || cluster.LeaseChunk < 0 || cluster.LocationPollMs < 50)
        {
            failures.Add("Dialer:Cluster: need HeartbeatMs >= 100, DeadAfterSeconds >= 3 heartbeats, OrphanHoldSeconds >= 0, LeaseChunk >= 0, LocationPollMs >= 50");
        }
        return new()
        {
            Enabled = true,
            NodeId = node,
            Heartbeat = TimeSpan.FromMilliseconds(Math.Max(100, cluster.HeartbeatMs)),
            DeadAfter = TimeSpan.FromSeconds(Math.Max(1, cluster.DeadAfterSeconds)),
            OrphanHold = TimeSpan.FromSeconds(cluster.OrphanHoldSeconds > 0 ? cluster.OrphanHoldSeconds : Math.Max(1, options.Edge.MaxCallSeconds)),
            LeaseChunk = Math.Max(0, cluster.LeaseChunk),
            LocationPoll = TimeSpan.FromMilliseconds(Math.Max(50, cluster.LocationPollMs)),
        };
    }

    /// <summary>Edge:DialogKey, else a key derived from the secrets key, so that tokens survive a restart and every node shares them.</summary>
    private static byte[] DialogKey(DialerOptions options, List<string> failures)
    {
        if (options.Edge.DialogKey.Length > 0)
        {
            var key = new byte[64];
            if (Convert.TryFromBase64String(options.Edge.DialogKey, key, out var written) && written >= 16)
            {
                return key[..written];
            }
            failures.Add("Dialer:Edge:DialogKey must be at least 16 bytes in base64");
            return DialogToken.DeriveKey(new byte[32]);
        }
        try
        {
            // A key not made yet is no configuration error: options are validated before `dialer serve` or `dialer migrate`
            // creates it, and AddDialerPeers refuses to build a host without one, so this stand-in never signs a dialog.
            return DialogToken.DeriveKey(SecretKeys.TryLoad(options.Secrets) ?? new byte[32]);
        }
        catch (InvalidOperationException error)
        {
            failures.Add(error.Message);
            return DialogToken.DeriveKey(new byte[32]);
        }
    }

    /// <summary>Dialer:Sip:Tls: the certificate files must exist when a tls: address is listened on (read at start, then on change).</summary>
    private static EdgeTlsSettings Tls(SipTlsConfig tls, bool listening, List<string> failures)
    {
        const string Key = "Dialer:Sip:Tls";
        if (tls.HandshakeTimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"{Key}:HandshakeTimeoutSeconds must be between 1 and 300");
        }
        var names = new List<TlsCertificateFiles>();
        for (var i = 0; i < tls.ServerNames.Count; i++)
        {
            var entry = tls.ServerNames[i];
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                failures.Add($"{Key}:ServerNames:{i}:Name is required");
            }
            RequireFile(failures, $"{Key}:ServerNames:{i}:CertificateFile", entry.CertificateFile);
            RequireFile(failures, $"{Key}:ServerNames:{i}:KeyFile", entry.KeyFile);
            names.Add(new TlsCertificateFiles(entry.Name, entry.CertificateFile, entry.KeyFile));
        }
        TlsCertificateFiles? certificate = null;
        if (listening || tls.CertificateFile.Length > 0 || tls.KeyFile.Length > 0)
        {
            RequireFile(failures, $"{Key}:CertificateFile", tls.CertificateFile, listening ? " (a tls: listen address needs one)" : "");
            RequireFile(failures, $"{Key}:KeyFile", tls.KeyFile, listening ? " (a tls: listen address needs one)" : "");
            certificate = new TlsCertificateFiles("", tls.CertificateFile, tls.KeyFile);
        }
        return new EdgeTlsSettings
        {
            Certificate = certificate,
            ServerNames = names,
            HandshakeTimeout = TimeSpan.FromSeconds(Math.Clamp(tls.HandshakeTimeoutSeconds, 1, 300)),
        };
    }

    private static void RequireFile(List<string> failures, string key, string path, string why = "")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{key} is required{why}");
        }
        else if (!File.Exists(path))
        {
            failures.Add($"{key} '{path}' does not exist");
        }
    }

    private static FloodSettings Flood(FloodOptions flood, List<string> failures)
    {
        if (flood.WindowSeconds < 1 || flood.MaxRequests < 1 || flood.CoolOffSeconds < 1 || flood.MaxSources < 1)
        {
            failures.Add("Dialer:Edge:Flood: WindowSeconds, MaxRequests, CoolOffSeconds and MaxSources must be >= 1");
        }
        var exempt = new List<Cidr>();
        for (var i = 0; i < flood.Exempt.Count; i++)
        {
            if (Cidr.TryParse(flood.Exempt[i], out var cidr, out var error))
            {
                exempt.Add(cidr.Value);
            }
            else
            {
                failures.Add($"Dialer:Edge:Flood:Exempt:{i} {error}");
            }
        }
        return new FloodSettings
        {
            Enabled = flood.Enabled,
            Window = TimeSpan.FromSeconds(Math.Max(1, flood.WindowSeconds)),
            MaxRequests = Math.Max(1, flood.MaxRequests),
            CoolOff = TimeSpan.FromSeconds(Math.Max(1, flood.CoolOffSeconds)),
            MaxSources = Math.Max(1, flood.MaxSources),
            Exempt = exempt,
        };
    }
}
