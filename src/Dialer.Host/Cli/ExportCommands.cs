using System.CommandLine;
using Dialer.Host.Export;
using Dialer.Peers.Snapshot;

namespace Dialer.Host.Cli;

/// <summary>
/// `dialer export asterisk` and `dialer export kamailio`: the peers rendered as configuration for the servers around
/// the edge, from the same snapshot the edge routes from.
/// </summary>
public static class ExportCommands
{
    public static Command Create() => new("export", "peers rendered as configuration for Asterisk or Kamailio\nExample: dialer export kamailio --what all --out /etc/kamailio/dialer")
    {
        Asterisk(),
        Kamailio(),
    };

    private static Command Asterisk()
    {
        var edge = new Option<string?>("--edge") { Description = "the edge as HOST:PORT; default: the first udp entry of Dialer:Sip:Listen" };
        var phones = new Option<bool>("--phones") { Description = "also one endpoint, auth (md5_cred = stored HA1) and aor per active phone" };
        var output = OutOption("file to write (mode 600 with --phones); default: standard output");
        var command = new Command("asterisk",
            "pjsip.conf for the Asterisk under VICIdial: the edge as trunk \"dialer-edge\" with dialplan notes per trunk\n" +
            "Example: dialer export asterisk --edge 10.0.0.5:5060 --out /etc/asterisk/pjsip_dialer.conf")
        {
            edge, phones, output,
        };
        command.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var options = session.Options;
            EdgeTarget? target;
            string problem;
            if (parse.GetValue(edge) is { } text)
            {
                target = EdgeTarget.TryParse(text, out var parsed) ? parsed : null;
                problem = $"--edge '{text}' must be HOST:PORT";
            }
            else
            {
                target = EdgeTarget.FromListen(options.Sip.Listen.Count == 0 ? Hosting.EdgeSettingsFactory.DefaultListen : options.Sip.Listen, out problem);
            }
            if (target is null)
            {
                await Console.Error.WriteLineAsync(problem);
                return 2;
            }
            var snapshot = await new PeerSnapshotLoader(session.Repository).LoadAsync(cancellationToken);
            var withPhones = parse.GetValue(phones);
            var config = AsteriskConfig.Render(new AsteriskExportInput(
                [.. snapshot.Trunks.Values], [.. snapshot.Phones.Values], target,
                options.Sip.Domains.FirstOrDefault() ?? target.UriHost, options.Edge.DialerAcl, withPhones,
                string.Equals(options.Edge.MaxContactsPolicy, "remove_existing", StringComparison.OrdinalIgnoreCase)));
            await ExportOutput.WriteAsync(parse.GetValue(output), config, secret: withPhones, cancellationToken);
            return 0;
        }));
        return command;
    }

    private static Command Kamailio()
    {
        var what = new Option<string>("--what")
        {
            Description = "dispatcher (dispatcher.list), address (permissions address file) or all",
            DefaultValueFactory = _ => "all",
        };
        what.AcceptOnlyFromAmong("dispatcher", "address", "all");
        var output = OutOption("file to write; with --what all a directory, given dispatcher.list and address.list; default: standard output");
        var command = new Command("kamailio",
            "Kamailio dispatcher.list (a set per trunk) and permissions address rows (the trunks' ACLs)\n" +
            "Example: dialer export kamailio --what dispatcher --out /etc/kamailio/dispatcher.list")
        {
            what, output,
        };
        command.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var snapshot = await new PeerSnapshotLoader(session.Repository).LoadAsync(cancellationToken);
            var trunks = snapshot.Trunks.Values.ToList();
            var target = parse.GetValue(output);
            switch (parse.GetValue(what))
            {
                case "dispatcher":
                    await ExportOutput.WriteAsync(target, KamailioDispatcher.Render(trunks), secret: false, cancellationToken);
                    break;
                case "address":
                    await ExportOutput.WriteAsync(target, KamailioAddresses.Render(trunks), secret: false, cancellationToken);
                    break;
                default:
                    if (target is null)
                    {
                        await ExportOutput.WriteAsync(null, KamailioDispatcher.Render(trunks) + "\n" + KamailioAddresses.Render(trunks), secret: false, cancellationToken);
                        break;
                    }
                    if (File.Exists(target.FullName))
                    {
                        await Console.Error.WriteLineAsync($"--out {target.FullName} is a file: --what all writes two files into a directory");
                        return 2;
                    }
                    Directory.CreateDirectory(target.FullName);
                    await ExportOutput.WriteAsync(new FileInfo(Path.Combine(target.FullName, "dispatcher.list")), KamailioDispatcher.Render(trunks), secret: false, cancellationToken);
                    await ExportOutput.WriteAsync(new FileInfo(Path.Combine(target.FullName, "address.list")), KamailioAddresses.Render(trunks), secret: false, cancellationToken);
                    break;
            }
            return 0;
        }));
        return command;
    }

    private static Option<FileInfo?> OutOption(string description) => new("--out") { Description = description };
}
