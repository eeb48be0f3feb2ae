using System.Security.Claims;
using Dialer.Host.Configuration;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dialer.Host.Api;

/// <summary>/api/trunks: trunk peers with their servers and ACL. The outbound password is write-only.</summary>
public static class TrunksApi
{
    public static IEndpointRouteBuilder MapTrunksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/trunks").WithTags("Trunks").RequireAuthorization(Policies.Read);
        group.MapGet("/", ListTrunks);
        group.MapGet("/{name}", GetTrunk);
        group.MapPost("/", CreateTrunk).RequireAuthorization(Policies.Write).Accepts<TrunkInput>("application/json");
        group.MapPut("/{name}", ReplaceTrunk).RequireAuthorization(Policies.Write).Accepts<TrunkInput>("application/json");
        group.MapDelete("/{name}", DeleteTrunk).RequireAuthorization(Policies.Write);
        return app;
    }

    public static async Task<Ok<TrunkView[]>> ListTrunks(
        HttpContext context, PeerRepository repository, IOptions<DialerOptions> options, CancellationToken cancellationToken)
    {
        var page = await repository.ListTrunksAsync(ListQuery.Parse(context.Request, options.Value.Admin.MaxPageSize), cancellationToken);
        context.Response.Headers[ListQuery.TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page.Items.Select(TrunkView.Of).ToArray());
    }

    public static async Task<Ok<TrunkView>> GetTrunk(
        string name, HttpResponse response, PeerRepository repository, CancellationToken cancellationToken)
    {
        var trunk = await repository.GetTrunkAsync(name, cancellationToken) ?? throw new PeerNotFoundException($"trunk {name} does not exist");
        response.Headers.ETag = ETags.Of(trunk.Version);
        return TypedResults.Ok(TrunkView.Of(trunk));
    }

    public static async Task<Created<TrunkView>> CreateTrunk(
        HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        var input = await JsonBody.ReadAsync<TrunkInput>(request, cancellationToken);
        var trunk = await repository.CreateTrunkAsync(PeerValidator.Trunk(input, null), Actor.Of(user), cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Of(trunk.Version);
        return TypedResults.Created($"/api/trunks/{trunk.Name}", TrunkView.Of(trunk));
    }

    public static async Task<Ok<TrunkView>> ReplaceTrunk(
        string name, HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        var expected = ETags.IfMatch(request);
        var input = await JsonBody.ReadAsync<TrunkInput>(request, cancellationToken);
        var trunk = await repository.ReplaceTrunkAsync(PeerValidator.Trunk(input, name), expected, Actor.Of(user), cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Of(trunk.Version);
        return TypedResults.Ok(TrunkView.Of(trunk));
    }

    public static async Task<NoContent> DeleteTrunk(
        string name, HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        await repository.DeleteTrunkAsync(name, ETags.IfMatch(request), Actor.Of(user), cancellationToken);
        return TypedResults.NoContent();
    }
}
