using Dialer.Peers.Model;

namespace Dialer.Host.Export;

/// <summary>What `dialer export asterisk` renders: the peers plus the edge settings an Asterisk has to agree with.</summary>
/// <param name="Trunks">Every trunk; inactive ones are left out of the output.</param>
/// <param name="Phones">Every phone; rendered only with <paramref name="IncludePhones"/>, inactive ones left out.</param>
/// <param name="Edge">Where the Asterisk sends its calls and where the edge's calls come from.</param>
/// <param name="FromDomain">The host the Asterisk puts in From towards the edge.</param>
/// <param name="DialerAcl">Dialer:Edge:DialerAcl, named in the comment that explains why no auth is needed.</param>
/// <param name="IncludePhones">--phones: render the phones too.</param>
/// <param name="RemoveExisting">Dialer:Edge:MaxContactsPolicy is remove_existing (pjsip's aor remove_existing=yes).</param>
public sealed record AsteriskExportInput(
    IReadOnlyList<Trunk> Trunks,
    IReadOnlyList<Phone> Phones,
    EdgeTarget Edge,
    string FromDomain,
    IReadOnlyList<string> DialerAcl,
    bool IncludePhones,
    bool RemoveExisting);
