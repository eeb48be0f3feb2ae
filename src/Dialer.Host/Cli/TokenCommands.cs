using System.CommandLine;
using Dialer.Peers.Validation;

namespace Dialer.Host.Cli;

/// <summary>`dialer token create --name N --role admin|viewer`: prints the token once; only its hash is stored.</summary>
public static class TokenCommands
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Required = true };
        var role = new Option<string>("--role") { DefaultValueFactory = _ => "viewer", Description = "admin or viewer" };
        var create = new Command("create", "create an admin API token") { name, role };
        create.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var (tokenName, tokenRole) = PeerValidator.Token(parse.GetValue(name), parse.GetValue(role));
            Console.WriteLine(await session.Repository.CreateTokenAsync(tokenName, tokenRole, CliSession.Actor, cancellationToken));
            return 0;
        }));
        return new Command("token", "admin API tokens") { create };
    }
}
