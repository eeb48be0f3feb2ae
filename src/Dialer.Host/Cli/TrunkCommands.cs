using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dialer.Host.Api;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;

namespace Dialer.Host.Cli;

/// <summary>`dialer trunk list|show|apply|delete`: `apply` takes the same JSON document as POST/PUT /api/trunks.</summary>
public static class TrunkCommands
{
    public static Command Create()
    {
        var list = new Command("list", "list trunk peers\nExample: dialer trunk list");
        list.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var page = await session.Repository.ListTrunksAsync(new PageQuery(PageQuery.MaxLimit), cancellationToken);
            Table.Print(["name", "cap", "cps", "prefix", "codecs", "servers", "active"],
                page.Items.Select(t => new[]
                {
                    t.Name, t.ChannelCap.ToString(CultureInfo.InvariantCulture), t.CpsCap.ToString(CultureInfo.InvariantCulture),
                    t.DialPrefix, string.Join(',', t.Codecs),
                    string.Join(' ', t.Servers.Select(s => $"{WireNames.Of(s.Transport)}:{s.Host}:{s.Port?.ToString(CultureInfo.InvariantCulture) ?? "srv"}")),
                    t.Active ? "yes" : "no",
                }));
            return 0;
        }));

        var file = new Option<FileInfo>("--file") { Required = true, Description = "trunk JSON as in POST /api/trunks" };
        var apply = new Command("apply",
            "create the trunk, or replace it when it exists; the JSON file is also where the outbound auth password goes\n" +
            "Example: dialer trunk apply --file carrier-a.json")
        {
            file,
        };
        apply.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            TrunkInput input;
            await using (var stream = parse.GetValue(file)!.OpenRead())
            {
                try
                {
                    input = await JsonSerializer.DeserializeAsync<TrunkInput>(stream, ApiJson.Options, cancellationToken)
                        ?? throw new InvalidOperationException("the file holds null, not a trunk");
                }
                catch (JsonException error)
                {
                    throw new InvalidOperationException($"{parse.GetValue(file)!.Name}: {error.Message}", error);
                }
            }
            if (!string.IsNullOrEmpty(input.Auth?.Password))
            {
                session.RequireStoredKey();
            }
            var trunk = PeerValidator.Trunk(input, null);
            var exists = await session.Repository.GetTrunkAsync(trunk.Name, cancellationToken) is not null;
            var saved = exists
                ? await session.Repository.ReplaceTrunkAsync(trunk, null, CliSession.Actor, cancellationToken)
                : await session.Repository.CreateTrunkAsync(trunk, CliSession.Actor, cancellationToken);
            Console.WriteLine($"trunk {saved.Name} {(exists ? "replaced" : "created")} (version {saved.Version})");
            return 0;
        }));

        var name = new Argument<string>("name");
        var delete = new Command("delete", "delete a trunk peer\nExample: dialer trunk delete carrier-b") { name };
        delete.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            await session.Repository.DeleteTrunkAsync(parse.GetValue(name)!, null, CliSession.Actor, cancellationToken);
            Console.WriteLine($"trunk {parse.GetValue(name)} deleted");
            return 0;
        }));
        return new Command("trunk", "trunk peers (carriers)\nExample: dialer trunk show carrier-a") { list, TrunkShowCommand.Create(), apply, delete };
    }
}
