using System.Globalization;
using System.Text;
using Dialer.Peers.Model;

namespace Dialer.Host.Export;

/// <summary>
/// The commented extensions.conf guidance in the Asterisk export: how a VICIdial carrier's dialplan entry dials
/// through the edge, per trunk, and the pre-dial handler that adds X-Dialer-Trunk / X-Dialer-Campaign
/// (docs/architecture.md, "Trunk calls").
/// </summary>
public static class AsteriskDialplan
{
    public const string HeaderContext = "dialer-edge-headers";

    public static void Render(StringBuilder text, IReadOnlyList<Trunk> trunks)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(trunks);
        text.Append("; ---- Dialplan (extensions.conf; in VICIdial a carrier's Dialplan Entry) ----\n")
            .Append("; The edge takes the trunk whose dialPrefix is the longest prefix of the number and strips that prefix.\n")
            .Append("; X-Dialer-Trunk forces a trunk (the number then goes on as dialled, so leave the prefix off);\n")
            .Append("; X-Dialer-Campaign charges the call to that campaign's allocations. A pre-dial handler (Dial option b)\n")
            .Append("; adds them to the outgoing channel:\n")
            .Append(";\n")
            .Append(";[").Append(HeaderContext).Append("]\n")
            .Append(";exten => s,1,ExecIf($[\"${ARG1}\" != \"\"]?Set(PJSIP_HEADER(add,X-Dialer-Trunk)=${ARG1}))\n")
            .Append("; same => n,ExecIf($[\"${ARG2}\" != \"\"]?Set(PJSIP_HEADER(add,X-Dialer-Campaign)=${ARG2}))\n")
            .Append("; same => n,Return()\n");
        if (trunks.Count == 0)
        {
            text.Append(";\n; (no active trunk)\n");
        }
        foreach (var trunk in trunks)
        {
            Trunk(text, trunk);
        }
        text.Append('\n');
    }

    private static void Trunk(StringBuilder text, Trunk trunk)
    {
        var prefix = trunk.DialPrefix;
        var forced = string.Create(CultureInfo.InvariantCulture,
            $"Dial(PJSIP/${{EXTEN{(prefix.Length > 0 ? $":{prefix.Length}" : "")}}}@{AsteriskConfig.Endpoint},,tTob({HeaderContext}^s^1({trunk.Name}^CAMPAIGN)))");
        text.Append(";\n");
        if (prefix.Length == 0)
        {
            text.Append("; trunk ").Append(trunk.Name).Append(" has no dialPrefix: only X-Dialer-Trunk reaches it (choose your own pattern;\n")
                .Append("; CAMPAIGN is the Dialer campaign to charge, or leave it empty):\n")
                .Append(";exten => _X.,1,AGI(agi://127.0.0.1:4577/call_log)\n")
                .Append(";exten => _X.,n,").Append(forced).Append('\n')
                .Append(";exten => _X.,n,Hangup()\n");
            return;
        }
        var pattern = "_" + prefix + "X.";
        text.Append("; trunk ").Append(trunk.Name).Append(" (dialPrefix ").Append(prefix).Append("), chosen by the prefix:\n")
            .Append(";exten => ").Append(pattern).Append(",1,AGI(agi://127.0.0.1:4577/call_log)\n")
            .Append(";exten => ").Append(pattern).Append(",n,Dial(PJSIP/${EXTEN}@").Append(AsteriskConfig.Endpoint).Append(",,tTo)\n")
            .Append(";exten => ").Append(pattern).Append(",n,Hangup()\n")
            .Append("; or forced and charged to campaign CAMPAIGN, instead of the Dial above:\n")
            .Append(";exten => ").Append(pattern).Append(",n,").Append(forced).Append('\n');
    }
}
