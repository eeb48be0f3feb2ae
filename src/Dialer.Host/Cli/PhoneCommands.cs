using System.CommandLine;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;

namespace Dialer.Host.Cli;

/// <summary>`dialer phone list|add|update|delete`: the same validation and repository as /api/phones.</summary>
public static class PhoneCommands
{
    public static Command Create()
    {
        var list = new Command("list", "list phone peers\nExample: dialer phone list");
        list.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var page = await session.Repository.ListPhonesAsync(new PageQuery(PageQuery.MaxLimit), cancellationToken);
            Table.Print(["extension", "name", "auth user", "realm", "codecs", "max", "outbound", "caller id", "digest", "active"],
                page.Items.Select(p => new[] { p.Extension, p.DisplayName, p.AuthUsername, p.Realm, string.Join(',', p.Codecs),
                    p.MaxContacts.ToString(System.Globalization.CultureInfo.InvariantCulture), OutboundText(p.OutboundTrunks),
                    p.CallerId, DigestText(p.DigestAlgorithms), p.Active ? "yes" : "no" }));
            return 0;
        }));

        var (add, update) = (Add(), Update());

        var deleteExtension = new Argument<string>("extension");
        var delete = new Command("delete", "delete a phone peer\nExample: dialer phone delete 1001") { deleteExtension };
        delete.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            await session.Repository.DeletePhoneAsync(parse.GetValue(deleteExtension)!, null, CliSession.Actor, cancellationToken);
            Console.WriteLine($"phone {parse.GetValue(deleteExtension)} deleted");
            return 0;
        }));
        return new Command("phone", "phone peers (agents' SIP phones)\nExample: dialer phone add --extension 1001 --password-stdin < pw.txt")
        {
            list, add, update, delete,
        };
    }

    /// <summary>The options `phone add` and `phone update` share; null values leave a field alone on update.</summary>
    private sealed class PhoneOptions
    {
        public Option<bool> PasswordStdin { get; } = new("--password-stdin")
        {
            Description = "read the password from the first line of standard input (else, on a terminal, you are asked; never on the command line)",
        };
        public Option<string?> DisplayName { get; } = new("--display-name") { Description = "the name shown for the phone" };
        public Option<string?> Codecs { get; } = new("--codecs") { Description = "comma separated, in order of preference" };
        public Option<int?> MaxContacts { get; } = new("--max-contacts") { Description = "bindings the phone may register at once" };
        public Option<string?> OutboundTrunks { get; } = new("--outbound-trunks")
        {
            Description = "trunks the phone may call out through: comma separated names, 'all' or 'none' (the default)",
        };
        public Option<string?> CallerId { get; } = new("--caller-id")
        {
            Description = "the caller number carriers see: digits with an optional '+', or 'anonymous'; default the extension",
        };
        public Option<string?> DigestAlgorithms { get; } = new("--digest-algorithms")
        {
            Description = "digest algorithms offered to the phone, comma separated in offer order: MD5, SHA-256; " +
                "'default' (the default) for Dialer:Edge:DigestAlgorithms",
        };

        public void AddTo(Command command)
        {
            command.Options.Add(PasswordStdin);
            command.Options.Add(DisplayName);
            command.Options.Add(Codecs);
            command.Options.Add(MaxContacts);
            command.Options.Add(OutboundTrunks);
            command.Options.Add(CallerId);
            command.Options.Add(DigestAlgorithms);
        }

        /// <summary>The given options over <paramref name="input"/>.</summary>
        public PhoneInput Apply(ParseResult parse, PhoneInput input)
        {
            input.DisplayName = parse.GetValue(DisplayName) ?? input.DisplayName;
            input.Codecs = parse.GetValue(Codecs)?.Split(',', StringSplitOptions.TrimEntries).ToList() ?? input.Codecs;
            input.MaxContacts = parse.GetValue(MaxContacts) ?? input.MaxContacts;
            input.OutboundTrunks = OutboundTrunksFrom(parse.GetValue(OutboundTrunks)) ?? input.OutboundTrunks;
            input.CallerId = parse.GetValue(CallerId) ?? input.CallerId;
            input.DigestAlgorithms = DigestAlgorithmsFrom(parse.GetValue(DigestAlgorithms)) ?? input.DigestAlgorithms;
            return input;
        }
    }

    private static Command Add()
    {
        var extension = new Option<string>("--extension") { Required = true, Description = "the phone's extension (digits); it registers as EXTENSION@domain" };
        var options = new PhoneOptions();
        var add = new Command("add",
            "add a phone peer; the password is stored only as HA1 digests\n" +
            "Example: printf '%s\\n' \"$PW\" | dialer phone add --extension 1001 --password-stdin --codecs PCMU,PCMA --outbound-trunks all")
        {
            extension,
        };
        options.AddTo(add);
        add.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var input = options.Apply(parse, new PhoneInput { Extension = parse.GetValue(extension) });
            input.Password = await PasswordInput.ReadAsync(parse.GetValue(options.PasswordStdin), required: true);
            var phone = await session.Repository.CreatePhoneAsync(
                PeerValidator.Phone(input, null, null, session.Defaults), CliSession.Actor, cancellationToken);
            Console.WriteLine($"phone {phone.Extension} added");
            return 0;
        }));
        return add;
    }

    private static Command Update()
    {
        var extension = new Argument<string>("extension") { Description = "the phone to change" };
        var active = new Option<bool?>("--active") { Description = "true or false: whether the phone may register and call" };
        var options = new PhoneOptions();
        var update = new Command("update",
            "change a phone peer: only the options given change; on a terminal you are asked for a new password (empty keeps it)\n" +
            "Example: dialer phone update 1001 --codecs PCMA --caller-id +15550101001 < /dev/null")
        {
            extension, active,
        };
        options.AddTo(update);
        update.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var number = parse.GetValue(extension)!;
            var existing = await session.Repository.GetPhoneAsync(number, cancellationToken)
                ?? throw new PeerNotFoundException($"phone {number} does not exist");
            var input = options.Apply(parse, new PhoneInput
            {
                Extension = existing.Extension,
                DisplayName = existing.DisplayName,
                AuthUsername = existing.AuthUsername,
                Realm = existing.Realm,
                Codecs = [.. existing.Codecs],
                MaxContacts = existing.MaxContacts,
                OutboundTrunks = [.. existing.OutboundTrunks],
                CallerId = existing.CallerId,
                DigestAlgorithms = [.. existing.DigestAlgorithms],
                Active = parse.GetValue(active) ?? existing.Active,
            });
            input.Password = await PasswordInput.ReadAsync(parse.GetValue(options.PasswordStdin), required: false);
            var phone = await session.Repository.ReplacePhoneAsync(
                PeerValidator.Phone(input, number, existing, session.Defaults), existing.Version, CliSession.Actor, cancellationToken);
            Console.WriteLine($"phone {phone.Extension} updated (version {phone.Version}){(input.Password is null ? "; password kept" : "; new password")}");
            return 0;
        }));
        return update;
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
