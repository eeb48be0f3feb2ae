using System.Security.Claims;
using Dialer.Host.Configuration;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dialer.Host.Api;

/// <summary>/api/phones: phone peers. The password is write-only; only HA1 digests are stored.</summary>
public static class PhonesApi
{
    public static IEndpointRouteBuilder MapPhonesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/phones").WithTags("Phones").RequireAuthorization(Policies.Read);
        group.MapGet("/", ListPhones);
        group.MapGet("/{extension}", GetPhone);
        group.MapPost("/", CreatePhone).RequireAuthorization(Policies.Write).Accepts<PhoneInput>("application/json");
        group.MapPut("/{extension}", ReplacePhone).RequireAuthorization(Policies.Write).Accepts<PhoneInput>("application/json");
        group.MapDelete("/{extension}", DeletePhone).RequireAuthorization(Policies.Write);
        return app;
    }

    public static async Task<Ok<PhoneView[]>> ListPhones(
        HttpContext context, PeerRepository repository, IOptions<DialerOptions> options, CancellationToken cancellationToken)
    {
        var page = await repository.ListPhonesAsync(ListQuery.Parse(context.Request, options.Value.Admin.MaxPageSize), cancellationToken);
        context.Response.Headers[ListQuery.TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page.Items.Select(PhoneView.Of).ToArray());
    }

    public static async Task<Ok<PhoneView>> GetPhone(
        string extension, HttpResponse response, PeerRepository repository, CancellationToken cancellationToken)
    {
        var phone = await repository.GetPhoneAsync(extension, cancellationToken)
            ?? throw new PeerNotFoundException($"phone {extension} does not exist");
        response.Headers.ETag = ETags.Of(phone.Version);
        return TypedResults.Ok(PhoneView.Of(phone));
    }

    public static async Task<Created<PhoneView>> CreatePhone(
        HttpRequest request, ClaimsPrincipal user, PeerRepository repository, PeerDefaults defaults, CancellationToken cancellationToken)
    {
        var input = await JsonBody.ReadAsync<PhoneInput>(request, cancellationToken);
        var draft = PeerValidator.Phone(input, null, null, defaults);
        var phone = await repository.CreatePhoneAsync(draft, Actor.Of(user), cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Of(phone.Version);
        return TypedResults.Created($"/api/phones/{phone.Extension}", PhoneView.Of(phone));
    }

    public static async Task<Ok<PhoneView>> ReplacePhone(
        string extension, HttpRequest request, ClaimsPrincipal user, PeerRepository repository, PeerDefaults defaults,
        CancellationToken cancellationToken)
    {
        var expected = ETags.IfMatch(request);
        var input = await JsonBody.ReadAsync<PhoneInput>(request, cancellationToken);
        var existing = await repository.GetPhoneAsync(extension, cancellationToken)
            ?? throw new PeerNotFoundException($"phone {extension} does not exist");
        var draft = PeerValidator.Phone(input, extension, existing, defaults);
        var phone = await repository.ReplacePhoneAsync(draft, expected ?? existing.Version, Actor.Of(user), cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETags.Of(phone.Version);
        return TypedResults.Ok(PhoneView.Of(phone));
    }

    public static async Task<NoContent> DeletePhone(
        string extension, HttpRequest request, ClaimsPrincipal user, PeerRepository repository, CancellationToken cancellationToken)
    {
        await repository.DeletePhoneAsync(extension, ETags.IfMatch(request), Actor.Of(user), cancellationToken);
        return TypedResults.NoContent();
    }
}
