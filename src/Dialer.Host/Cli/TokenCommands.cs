using System.CommandLine;
using System.Globalization;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;

namespace Dialer.Host.Cli;

/// <summary>`dialer token create|list|revoke`: the token is printed once on creation; only its hash is stored.</summary>
public static class TokenCommands
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Required = true, Description = "a name for the token (who or what uses it)" };
        var role = new Option<string>("--role") { DefaultValueFactory = _ => "viewer", Description = "admin or viewer" };
        var create = new Command("create",
            "create an admin API token and print it once (keep it in a file; give it to live verbs with --token-file)\n" +
            "Example: dialer token create --name noc --role viewer > ~/.dialer-token && chmod 600 ~/.dialer-token")
        {
            name, role,
        };
        create.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var (tokenName, tokenRole) = PeerValidator.Token(parse.GetValue(name), parse.GetValue(role));
            Console.WriteLine(await session.Repository.CreateTokenAsync(tokenName, tokenRole, CliSession.Actor, cancellationToken));
            return 0;
        }));

        var list = new Command("list", "list admin API tokens: name, role, when and by whom created (never the token)\nExample: dialer token list");
        list.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            var tokens = await session.Repository.ListTokensAsync(cancellationToken);
            Table.Print(["name", "role", "created", "by"], tokens.Select(t => new[]
            {
                t.Name, WireNames.Of(t.Role),
                t.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), t.CreatedBy,
            }));
            return 0;
        }));

        var revoked = new Argument<string>("name") { Description = "the token's name, as `dialer token list` shows it" };
        var revoke = new Command("revoke", "revoke an admin API token: it is refused from then on\nExample: dialer token revoke noc") { revoked };
        revoke.SetAction((parse, cancellationToken) => CliSession.RunAsync(parse, async session =>
        {
            await session.Repository.DeleteTokenAsync(parse.GetValue(revoked)!, CliSession.Actor, cancellationToken);
            Console.WriteLine($"token {parse.GetValue(revoked)} revoked");
            return 0;
        }));
        return new Command("token", "admin API tokens\nExample: dialer token list") { create, list, revoke };
    }
}
