using Dialer.Peers.Model;

namespace Dialer.Peers.Validation;

public static partial class PeerValidator
{
    private static TrunkTls TlsFrom(ValidationErrors errors, TrunkTlsInput? input)
    {
        if (input is null)
        {
            return TrunkTls.Default;
        }
        var caFile = input.CaFile ?? "";
        if (caFile.Length > 0)
        {
            Rules.PlainText(errors, "tls.caFile", caFile, 1024);
            // Every edge node reads the file itself: a path relative to some process's working directory means nothing.
            if (!Path.IsPathRooted(caFile))
            {
                errors.Add("tls.caFile", "must be an absolute path to a PEM file of CA certificates");
            }
        }
        var serverName = input.ServerName ?? "";
        if (serverName.Length > 0)
        {
            Rules.Host(errors, "tls.serverName", serverName, required: false);
        }
        var skip = input.SkipVerify ?? false;
        if (skip && caFile.Length > 0)
        {
            errors.Add("tls.skipVerify", "cannot be combined with tls.caFile: either check against the CA file or check nothing");
        }
        return new TrunkTls(caFile, skip, serverName.Length == 0 ? "" : Rules.NormalizeHost(serverName));
    }
}
