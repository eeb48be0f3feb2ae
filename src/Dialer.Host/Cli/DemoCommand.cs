using System.CommandLine;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;

namespace Dialer.Host.Cli;

/// <summary>`dialer demo load`: a few phones, two trunks on loopback and a campaign, for `make run`. Idempotent.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var load = new Command("load", "add the demo phones, trunks and campaign (existing ones are left alone)\nExample: dialer demo load");
        load.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, session => LoadAsync(session, cancellationToken)));
        return new Command("demo", "demo data for `make run`\nExample: dialer demo load") { load };
    }

    public static async Task<int> LoadAsync(CliSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        // carrier-b holds a secret: it must be encrypted with a key that outlives this process.
        session.RequireStoredKey();
        var repository = session.Repository;
        foreach (var phone in DemoPeers.Phones())
        {
            if (await repository.GetPhoneAsync(phone.Extension!, cancellationToken) is null)
            {
                await repository.CreatePhoneAsync(PeerValidator.Phone(phone, null, null, session.Defaults), CliSession.Actor, cancellationToken);
                Console.WriteLine($"phone {phone.Extension} added (password {phone.Password})");
            }
        }
        foreach (var trunk in DemoPeers.Trunks())
        {
            if (await repository.GetTrunkAsync(trunk.Name!, cancellationToken) is null)
            {
                await repository.CreateTrunkAsync(PeerValidator.Trunk(trunk, null), CliSession.Actor, cancellationToken);
                Console.WriteLine($"trunk {trunk.Name} added");
            }
        }
        var campaign = DemoPeers.Campaign();
        if (await repository.GetCampaignAsync(campaign.Name!, cancellationToken) is null)
        {
            await repository.CreateCampaignAsync(PeerValidator.Campaign(campaign, null), CliSession.Actor, cancellationToken);
            Console.WriteLine($"campaign {campaign.Name} added");
        }
        return 0;
    }
}
