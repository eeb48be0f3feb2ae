namespace Dialer.Peers.Model;

/// <summary>
/// How the edge checks the TLS certificates of a trunk's servers (those with transport tls): against the system store,
/// or against the CA certificates of <see cref="CaFile"/> only (PEM, an absolute path on every edge node); for the name
/// <see cref="ServerName"/> (also sent as SNI), else the server's host. <see cref="SkipVerify"/> turns every check off:
/// an explicit operator choice for a carrier with a broken certificate, logged when the edge starts.
/// </summary>
public sealed record TrunkTls(string CaFile, bool SkipVerify, string ServerName)
{
    public static readonly TrunkTls Default = new("", false, "");

    /// <summary>
    /// The name a server's certificate must carry: <see cref="ServerName"/>, else the host of the next hop (the outbound
    /// proxy when one is set: that is who the connection goes to), never an SRV target (RFC 5922 §4: the domain).
    /// </summary>
    public string NameFor(TrunkServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return ServerName.Length > 0 ? ServerName : server.NextHop().Host;
    }
}

public sealed class TrunkTlsInput
{
    public string? CaFile { get; set; }
    public bool? SkipVerify { get; set; }
    public string? ServerName { get; set; }
}
