using System.CommandLine;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;

namespace Dialer.Host.Cli;

/// <summary>`dialer phone list|add|delete`: the same validation and repository as /api/phones.</summary>
public static class PhoneCommands
{
    public static Command Create()
    {
        var list = new Command("list", "list phone peers");
        list.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var page = await session.Repository.ListPhonesAsync(new PageQuery(PageQuery.MaxLimit), cancellationToken);
            Table.Print(["extension", "name", "auth user", "realm", "codecs", "max", "outbound", "caller id", "digest", "active"],
                page.Items.Select(p => new[] { p.Extension, p.DisplayName, p.AuthUsername, p.Realm, string.Join(',', p.Codecs),
                    p.MaxContacts.ToString(System.Globalization.CultureInfo.InvariantCulture), OutboundText(p.OutboundTrunks),
                    p.CallerId, DigestText(p.DigestAlgorithms), p.Active ? "yes" : "no" }));
            return 0;
        }));

        var extension = new Option<string>("--extension") { Required = true };
        var password = new Option<string>("--password") { Required = true, Description = "stored only as HA1 digests" };
        var name = new Option<string?>("--display-name");
        var codecs = new Option<string?>("--codecs") { Description = "comma separated, in order of preference" };
        var maxContacts = new Option<int?>("--max-contacts");
        var outboundTrunks = new Option<string?>("--outbound-trunks")
        {
            Description = "trunks the phone may call out through: comma separated names, 'all' or 'none' (the default)",
        };
        var callerId = new Option<string?>("--caller-id")
        {
            Description = "the caller number carriers see: digits with an optional '+', or 'anonymous'; default the extension",
        };
        var digestAlgorithms = new Option<string?>("--digest-algorithms")
        {
            Description = "digest algorithms offered to the phone, comma separated in offer order: MD5, SHA-256; " +
                "'default' (the default) for Dialer:Edge:DigestAlgorithms",
        };
        var add = new Command("add", "add a phone peer")
        {
            extension, password, name, codecs, maxContacts, outboundTrunks, callerId, digestAlgorithms,
        };
        add.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var input = new PhoneInput
            {
                Extension = parse.GetValue(extension),
                Password = parse.GetValue(password),
                DisplayName = parse.GetValue(name),
                Codecs = parse.GetValue(codecs)?.Split(',', StringSplitOptions.TrimEntries).ToList(),
                MaxContacts = parse.GetValue(maxContacts),
                OutboundTrunks = OutboundTrunksFrom(parse.GetValue(outboundTrunks)),
                CallerId = parse.GetValue(callerId),
                DigestAlgorithms = DigestAlgorithmsFrom(parse.GetValue(digestAlgorithms)),
            };
            var phone = await session.Repository.CreatePhoneAsync(
                PeerValidator.Phone(input, null, null, session.Defaults), CliSession.Actor, cancellationToken);
            Console.WriteLine($"phone {phone.Extension} added");
            return 0;
        }));

        var deleteExtension = new Argument<string>("extension");
        var delete = new Command("delete", "delete a phone peer") { deleteExtension };
        delete.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            await session.Repository.DeletePhoneAsync(parse.GetValue(deleteExtension)!, null, CliSession.Actor, cancellationToken);
            Console.WriteLine($"phone {parse.GetValue(deleteExtension)} deleted");
            return 0;
        }));
        return new Command("phone", "phone peers") { list, add, delete };
    }

    /// <summary>"all" is ["*"], "none" or nothing is [], otherwise the names; validation judges the names.</summary>
    private static List<string>? OutboundTrunksFrom(string? option) => option?.Trim() switch
    {
        null => null,
        "all" => [OutboundTrunkList.All],
        "none" or "" => [],
        var names => [.. names.Split(',', StringSplitOptions.TrimEntries)],
    };

    /// <summary>"default" or nothing is [] (the server default), otherwise the names; validation judges them.</summary>
    private static List<string>? DigestAlgorithmsFrom(string? option) => option?.Trim() switch
    {
        null => null,
        "default" or "" => [],
        var names => [.. names.Split(',', StringSplitOptions.TrimEntries)],
    };

    private static string DigestText(IReadOnlyList<string> algorithms) =>
        algorithms.Count == 0 ? "default" : DigestAlgorithmList.Join(algorithms);

    private static string OutboundText(IReadOnlyList<string> outboundTrunks) => outboundTrunks switch
    {
        [] => "none",
        [OutboundTrunkList.All] => "all",
        _ => string.Join(',', outboundTrunks),
    };
}
