using Dialer.Peers.Model;

namespace Dialer.Peers.Validation;

public static partial class PeerValidator
{
    /// <param name="input">What the admin sent.</param>
    /// <param name="name">The trunk name from the URL on replace; null on create.</param>
    /// <returns>A trunk with version 0; a null auth password means "keep the stored secret".</returns>
    public static Trunk Trunk(TrunkInput input, string? name)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();
        var trunkName = input.Name ?? name;
        Rules.Name(errors, "name", trunkName);
        if (name is not null && input.Name is not null && input.Name != name)
        {
            errors.Add("name", "does not match the trunk name in the URL; renaming is not supported");
        }
        Rules.PlainText(errors, "description", input.Description, 255);
        if (Rules.Required(errors, "channelCap", input.ChannelCap))
        {
            Rules.Range(errors, "channelCap", input.ChannelCap, 1, 100_000);
        }
        Rules.Range(errors, "cpsCap", input.CpsCap, 0, 10_000);
        var codecs = Rules.CodecList(errors, "codecs", input.Codecs);
        Rules.Digits(errors, "dialPrefix", input.DialPrefix, 0, 16);
        var acl = AclFrom(errors, input.Acl);
        var auth = AuthFrom(errors, input.Auth);
        var origin = CallOriginHeader.Pai;
        if (input.CallOriginHeader is not null && !WireNames.TryParse(input.CallOriginHeader, out origin))
        {
            errors.Add("callOriginHeader", "must be one of pai, rpid, from");
        }
        var ruri = RuriTransformFrom(errors, input.RuriTransform);
        Rules.SipUser(errors, "fromUser", input.FromUser, 64);
        Rules.Host(errors, "fromDomain", input.FromDomain, required: false);
        var probe = ProbeFrom(errors, input.Probe);
        var servers = ServersFrom(errors, input.Servers);
        var tls = TlsFrom(errors, input.Tls);
        errors.ThrowIfAny();
        return new Trunk(trunkName!, input.Description ?? "", input.ChannelCap!.Value, input.CpsCap ?? 0, codecs,
            input.DialPrefix ?? "", acl, auth, origin, ruri, input.FromUser ?? "",
            string.IsNullOrEmpty(input.FromDomain) ? "" : Rules.NormalizeHost(input.FromDomain), probe, servers,
            input.Active ?? true, 0)
        {
            Tls = tls,
        };
    }

    private static List<Cidr> AclFrom(ValidationErrors errors, List<string>? input)
    {
        var acl = new List<Cidr>();
        if (input is null)
        {
            return acl;
        }
        if (input.Count > 256)
        {
            errors.Add("acl", "must list at most 256 networks");
        }
        for (var i = 0; i < input.Count; i++)
        {
            if (!Cidr.TryParse(input[i], out var cidr, out var error))
            {
                errors.Add($"acl[{i}]", error);
            }
            else if (acl.Contains(cidr.Value))
            {
                errors.Add($"acl[{i}]", $"{cidr} is listed twice");
            }
            else
            {
                acl.Add(cidr.Value);
            }
        }
        return acl;
    }

    private static TrunkAuth? AuthFrom(ValidationErrors errors, TrunkAuthInput? input)
    {
        if (input is null)
        {
            return null;
        }
        if (Rules.Required(errors, "auth.username", input.Username))
        {
            Rules.PlainText(errors, "auth.username", input.Username, 128);
        }
        if (input.Password is not null && (input.Password.Length is 0 or > 256 || input.Password.Any(char.IsControl)))
        {
            errors.Add("auth.password", "must be 1-256 characters without control characters");
        }
        return new TrunkAuth(input.Username ?? "", input.Password);
    }

    private static RuriTransform RuriTransformFrom(ValidationErrors errors, RuriTransformInput? input)
    {
        if (input is null)
        {
            return RuriTransform.None;
        }
        Rules.Range(errors, "ruriTransform.strip", input.Strip, 0, 32);
        if (!string.IsNullOrEmpty(input.Prefix) && (input.Prefix.Length > 16 || !input.Prefix.All(c => char.IsAsciiDigit(c) || c is '+' or '*' or '#')))
        {
            errors.Add("ruriTransform.prefix", "must be at most 16 of the characters 0-9, +, *, #");
        }
        var parameters = (input.Params ?? "").TrimStart(';');
        Rules.UriParams(errors, "ruriTransform.params", parameters);
        return new RuriTransform(input.Strip ?? 0, input.Prefix ?? "", parameters);
    }

    private static ProbePolicy ProbeFrom(ValidationErrors errors, ProbePolicyInput? input)
    {
        var defaults = ProbePolicy.Default;
        if (input is null)
        {
            return defaults;
        }
        Rules.Range(errors, "probe.intervalSeconds", input.IntervalSeconds, 1, 3600);
        Rules.Range(errors, "probe.timeoutMs", input.TimeoutMs, 50, 60_000);
        Rules.Range(errors, "probe.failThreshold", input.FailThreshold, 1, 100);
        Rules.Range(errors, "probe.recoverThreshold", input.RecoverThreshold, 1, 100);
        Rules.Range(errors, "probe.lagMs", input.LagMs, 0, 60_000);
        var alive = defaults.AliveCodes;
        if (input.AliveCodes is not null)
        {
            if (ReplyCodeSet.TryParse(input.AliveCodes, out var set))
            {
                alive = set.Text;
            }
            else
            {
                errors.Add("probe.aliveCodes", "must be SIP reply codes 100-699 as a list of codes and ranges, such as 200-299,403,404");
            }
        }
        var probe = new ProbePolicy(input.IntervalSeconds ?? defaults.IntervalSeconds, input.TimeoutMs ?? defaults.TimeoutMs,
            input.FailThreshold ?? defaults.FailThreshold, input.RecoverThreshold ?? defaults.RecoverThreshold,
            input.LagMs ?? defaults.LagMs, alive);
        if (probe.TimeoutMs >= probe.IntervalSeconds * 1000)
        {
            errors.Add("probe.timeoutMs", "must be shorter than the probe interval");
        }
        return probe;
    }
}
