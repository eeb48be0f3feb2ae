using System.Security.Claims;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dialer.Host.Api;

/// <summary>/api/tokens: admin API tokens. The token is returned once, on creation; only its hash is kept.</summary>
public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tokens").WithTags("Tokens").RequireAuthorization(Policies.Write);
        group.MapGet("/", ListTokens);
        group.MapPost("/", CreateToken).Accepts<TokenInput>("application/json");
        group.MapDelete("/{name}", DeleteToken);
        return app;
    }

    public static async Task<Ok<TokenView[]>> ListTokens(PeerRepository repository, CancellationToken cancellationToken) =>
        TypedResults.Ok((await repository.ListTokensAsync(cancellationToken))
            .Select(t => new TokenView(t.Name, WireNames.Of(t.Role), t.CreatedAt, t.CreatedBy, null)).ToArray());

    public static async Task<Created<TokenView>> CreateToken(
        HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        var input = await JsonBody.ReadAsync<TokenInput>(request, cancellationToken);
        var (name, role) = PeerValidator.Token(input.Name, input.Role);
        var token = await repository.CreateTokenAsync(name, role, Actor.Of(user), cancellationToken);
        return TypedResults.Created($"/api/tokens/{name}", new TokenView(name, WireNames.Of(role), null, Actor.Of(user), token));
    }

    public static async Task<NoContent> DeleteToken(string name, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        await repository.DeleteTokenAsync(name, Actor.Of(user), cancellationToken);
        return TypedResults.NoContent();
    }
}

public sealed class TokenInput
{
    public string? Name { get; set; }
    public string? Role { get; set; }
}

/// <summary>A token as listed; <see cref="Token"/> is set only in the answer to its creation.</summary>
public sealed record TokenView(string Name, string Role, DateTime? CreatedAt, string CreatedBy, string? Token);
