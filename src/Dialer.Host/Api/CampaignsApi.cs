using System.Security.Claims;
using Dialer.Host.Configuration;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dialer.Host.Api;

/// <summary>/api/campaigns: campaigns and their trunk allocations (VICIdial's server trunks).</summary>
public static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns").WithTags("Campaigns").RequireAuthorization(Policies.Read);
        group.MapGet("/", ListCampaigns);
        group.MapGet("/{name}", GetCampaign);
        group.MapGet("/{name}/summary", GetSummary);
        group.MapPost("/", CreateCampaign).RequireAuthorization(Policies.Write).Accepts<CampaignInput>("application/json");
        group.MapPut("/{name}", ReplaceCampaign).RequireAuthorization(Policies.Write).Accepts<CampaignInput>("application/json");
        group.MapDelete("/{name}", DeleteCampaign).RequireAuthorization(Policies.Write);
        group.MapPut("/{name}/trunks/{trunk}", SetAllocation).RequireAuthorization(Policies.Write).Accepts<AllocationInput>("application/json");
        group.MapDelete("/{name}/trunks/{trunk}", RemoveAllocation).RequireAuthorization(Policies.Write);
        return app;
    }

    public static async Task<Ok<CampaignView[]>> ListCampaigns(
        HttpContext context, PeerRepository repository, IOptions<DialerOptions> options, CancellationToken cancellationToken)
    {
        var page = await repository.ListCampaignsAsync(ListQuery.Parse(context.Request, options.Value.Admin.MaxPageSize), cancellationToken);
        context.Response.Headers[ListQuery.TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page.Items.Select(CampaignView.Of).ToArray());
    }

    public static async Task<Ok<CampaignView>> GetCampaign(
        string name, HttpResponse response, PeerRepository repository, CancellationToken cancellationToken)
    {
        var campaign = await repository.GetCampaignAsync(name, cancellationToken)
            ?? throw new PeerNotFoundException($"campaign {name} does not exist");
        response.Headers.ETag = ETags.Of(campaign.Version);
        return TypedResults.Ok(CampaignView.Of(campaign));
    }

    /// <summary>What the campaign's dialer runs achieved: outcomes, answer rate, setup time, rate, shortage.</summary>
    public static async Task<Ok<CampaignSummary>> GetSummary(
        string name, PeerRepository repository, CampaignRunStore runs, CancellationToken cancellationToken)
    {
        var campaign = await repository.GetCampaignAsync(name, cancellationToken)
            ?? throw new PeerNotFoundException($"campaign {name} does not exist");
        return TypedResults.Ok(await runs.SummaryAsync(campaign.Name, cancellationToken));
    }

    public static async Task<Created<CampaignView>> CreateCampaign(
        HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        var input = await JsonBody.ReadAsync<CampaignInput>(request, cancellationToken);
        var campaign = await repository.CreateCampaignAsync(PeerValidator.Campaign(input, null), Actor.Of(user), cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Of(campaign.Version);
        return TypedResults.Created($"/api/campaigns/{campaign.Name}", CampaignView.Of(campaign));
    }

    public static async Task<Ok<CampaignView>> ReplaceCampaign(
        string name, HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        var expected = ETags.IfMatch(request);
        var input = await JsonBody.ReadAsync<CampaignInput>(request, cancellationToken);
        var campaign = await repository.ReplaceCampaignAsync(PeerValidator.Campaign(input, name), expected, Actor.Of(user), cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Of(campaign.Version);
        return TypedResults.Ok(CampaignView.Of(campaign));
    }

    public static async Task<NoContent> DeleteCampaign(
        string name, HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        await repository.DeleteCampaignAsync(name, ETags.IfMatch(request), Actor.Of(user), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<CampaignView>> SetAllocation(
        string name, string trunk, HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        var input = await JsonBody.ReadAsync<AllocationInput>(request, cancellationToken);
        var campaign = await repository.SetAllocationAsync(name, PeerValidator.Allocation(input, trunk), Actor.Of(user), cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Of(campaign.Version);
        return TypedResults.Ok(CampaignView.Of(campaign));
    }

    public static async Task<Ok<CampaignView>> RemoveAllocation(
        string name, string trunk, HttpContext context, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        var campaign = await repository.RemoveAllocationAsync(name, trunk, Actor.Of(user), cancellationToken);
        context.Response.Headers.ETag = ETags.Of(campaign.Version);
        return TypedResults.Ok(CampaignView.Of(campaign));
    }
}
