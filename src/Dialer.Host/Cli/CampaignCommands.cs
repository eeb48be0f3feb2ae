using System.CommandLine;
using System.Globalization;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;

namespace Dialer.Host.Cli;

/// <summary>`dialer campaign list` and `dialer campaign run` (the dialer process, <see cref="CampaignRunCommand"/>).</summary>
public static class CampaignCommands
{
    public static Command Create()
    {
        var list = new Command("list", "list campaigns and their trunk allocations\nExample: dialer campaign list");
        list.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var page = await session.Repository.ListCampaignsAsync(new PageQuery(PageQuery.MaxLimit), cancellationToken);
            Table.Print(["name", "active", "allocations"],
                page.Items.Select(c => new[]
                {
                    c.Name, c.Active ? "yes" : "no",
                    string.Join(' ', c.Allocations.Select(a =>
                        $"{a.Trunk}:{a.Reserved.ToString(CultureInfo.InvariantCulture)}:{WireNames.Of(a.Restriction)}")),
                }));
            return 0;
        }));
        return new Command("campaign", "campaigns\nExample: dialer campaign run --campaign demo --leads leads.csv") { list, CampaignRunCommand.Create() };
    }
}
