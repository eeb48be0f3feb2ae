using System.Globalization;
using System.Text;
using Dialer.Peers.Model;

namespace Dialer.Host.Export;

/// <summary>
/// `dialer export asterisk`: the pjsip.conf an Asterisk under VICIdial needs to use the edge as its trunk (endpoint,
/// aor and identify "dialer-edge", commented dialplan per trunk) and, optionally, the agents' phones. Deterministic:
/// the same peers and settings always give the same text (no dates, peers in <see cref="ExportOrder"/>).
/// </summary>
public static class AsteriskConfig
{
    public const string Endpoint = "dialer-edge";

    /// <summary>VICIdial's context for calls arriving on a carrier (inbound DIDs).</summary>
    public const string InboundContext = "trunkinbound";

    /// <summary>VICIdial's context for agents' phones.</summary>
    public const string PhoneContext = "default";

    public static string Render(AsteriskExportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var trunks = ExportOrder.Trunks(input.Trunks.Where(t => t.Active));
        var text = new StringBuilder();
        Header(text, input);
        EdgeSections(text, input, trunks);
        AsteriskDialplan.Render(text, trunks);
        if (input.IncludePhones)
        {
            Phones(text, ExportOrder.Phones(input.Phones.Where(p => p.Active)), input.RemoveExisting);
        }
        return text.ToString();
    }

    private static void Header(StringBuilder text, AsteriskExportInput input)
    {
        text.Append("; pjsip.conf for the Asterisk under VICIdial: Dialer's SIP edge as its trunk.\n")
            .Append("; Written by `dialer export asterisk`; export again after changing trunks or phones rather than editing it.\n")
            .Append(";\n")
            .Append("; Transport: the edge listens on udp ").Append(input.Edge.UriHostPort)
            .Append(". pjsip sends through a udp transport of its own;\n")
            .Append("; VICIdial's stock pjsip.conf has one. Without one, add:\n")
            .Append(";[transport-udp]\n;type=transport\n;protocol=udp\n;bind=")
            .Append(input.Edge.Host.Contains(':', StringComparison.Ordinal) ? "[::]" : "0.0.0.0").Append(":5060\n")
            .Append(";\n")
            .Append("; No auth towards the edge: it trusts dialers by source address (Dialer:Edge:DialerAcl");
        if (input.DialerAcl.Count == 0)
        {
            text.Append(", now empty).\n")
                .Append("; Add this Asterisk's address to Dialer:Edge:DialerAcl, or the edge takes none of its calls as a dialer's.\n");
        }
        else
        {
            text.Append(": ").Append(string.Join(", ", input.DialerAcl)).Append(").\n")
                .Append("; This Asterisk's address must lie in one of those networks.\n");
        }
        text.Append('\n');
    }

    private static void EdgeSections(StringBuilder text, AsteriskExportInput input, IReadOnlyList<Trunk> trunks)
    {
        var allow = AsteriskCodecs.Allow(trunks.SelectMany(t => t.Codecs));
        text.Append("; Calls to carriers go to this endpoint; the edge picks the trunk (see the dialplan below).\n")
            .Append("; Carriers' inbound calls come from the edge too and land here, in VICIdial's ").Append(InboundContext).Append(" context.\n")
            .Append("; allow: every active trunk's codecs, in order (").Append(trunks.Count == 0 ? "no active trunk: the defaults" : string.Join(", ", trunks.Select(t => t.Name))).Append(").\n")
            .Append('[').Append(Endpoint).Append("]\n")
            .Append("type=endpoint\n")
            .Append("context=").Append(InboundContext).Append('\n')
            .Append("disallow=all\n")
            .Append("allow=").Append(string.Join(',', allow)).Append('\n')
            .Append("dtmf_mode=rfc4733\n")
            .Append("aors=").Append(Endpoint).Append('\n')
            .Append("direct_media=no\n")
            .Append("from_domain=").Append(Conf(input.FromDomain)).Append('\n')
            .Append('\n')
            .Append('[').Append(Endpoint).Append("]\n")
            .Append("type=aor\n")
            .Append("contact=sip:").Append(input.Edge.UriHostPort).Append('\n')
            .Append("; The edge answers OPTIONS addressed to itself with 200.\n")
            .Append("qualify_frequency=60\n")
            .Append('\n')
            .Append("; Requests from the edge's address belong to the dialer-edge endpoint (no registration, no auth).\n")
            .Append('[').Append(Endpoint).Append("]\n")
            .Append("type=identify\n")
            .Append("endpoint=").Append(Endpoint).Append('\n')
            .Append("match=").Append(input.Edge.Host).Append('\n')
            .Append('\n');
    }

    private static void Phones(StringBuilder text, IReadOnlyList<Phone> phones, bool removeExisting)
    {
        text.Append("; ---- Phones (--phones), for an Asterisk that registers the agents' phones itself ----\n")
            .Append("; md5_cred is the phone's stored HA1 = MD5(username:realm:password) (RFC 7616 §3.4.2): Dialer keeps no passwords.\n")
            .Append("; HA1 is a password equivalent for its realm: keep this file readable by Asterisk only.\n")
            .Append("; Asterisk 20.12, 21.7, 22.2 and later call md5_cred deprecated (password_digest) but still read it.\n");
        if (phones.Count == 0)
        {
            text.Append("; (no active phone)\n");
        }
        foreach (var phone in phones)
        {
            var name = Conf(phone.Extension);
            text.Append('\n')
                .Append('[').Append(name).Append("]\n")
                .Append("type=endpoint\n")
                .Append("context=").Append(PhoneContext).Append('\n')
                .Append("disallow=all\n")
                .Append("allow=").Append(string.Join(',', AsteriskCodecs.Allow(phone.Codecs))).Append('\n')
                .Append("dtmf_mode=rfc4733\n")
                .Append("auth=").Append(name).Append('\n')
                .Append("aors=").Append(name).Append('\n')
                .Append("callerid=\"").Append(Conf(phone.DisplayName.Replace('"', '\''))).Append("\" <").Append(name).Append(">\n")
                .Append("rtp_symmetric=yes\nforce_rport=yes\nrewrite_contact=yes\n")
                .Append('\n')
                .Append('[').Append(name).Append("]\n")
                .Append("type=auth\n")
                .Append("auth_type=md5\n")
                .Append("username=").Append(Conf(phone.AuthUsername)).Append('\n')
                .Append("realm=").Append(Conf(phone.Realm)).Append('\n')
                .Append("md5_cred=").Append(phone.Credentials.Ha1Md5).Append('\n')
                .Append('\n')
                .Append('[').Append(name).Append("]\n")
                .Append("type=aor\n")
                .Append("max_contacts=").Append(phone.MaxContacts.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("remove_existing=").Append(removeExisting ? "yes" : "no").Append('\n');
        }
    }

    /// <summary>A value for Asterisk's config parser, where ';' starts a comment unless escaped (\;).</summary>
    internal static string Conf(string value) => value.Replace(";", "\\;", StringComparison.Ordinal);
}
