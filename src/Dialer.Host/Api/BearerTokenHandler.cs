using System.Security.Claims;
using System.Text.Encodings.Web;
using Dialer.Peers.Model;
using Dialer.Peers.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Dialer.Host.Api;

/// <summary>
/// "Authorization: Bearer TOKEN": the bootstrap token or a stored token (looked up by its SHA-256).
/// Challenges and refusals answer with problem details like every other error.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PeerRepository repository,
    BootstrapToken bootstrap,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Prefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length == Prefix.Length)
        {
            return AuthenticateResult.Fail("the Authorization header must be 'Bearer TOKEN'");
        }
        var token = header[Prefix.Length..].Trim();
        if (bootstrap.Matches(token))
        {
            return Success(BootstrapToken.Name, ApiRole.Admin);
        }
        var record = await repository.FindTokenAsync(token, Context.RequestAborted);
        return record is null ? AuthenticateResult.Fail("unknown or revoked token") : Success(record.Name, record.Role);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"dialer\"";
        var result = await HandleAuthenticateOnceSafeAsync();
        await WriteProblemAsync("Authentication required",
            result.Failure?.Message ?? "send 'Authorization: Bearer TOKEN' (DIALER_ADMIN_TOKEN or a token from POST /api/tokens)");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync("Forbidden", "this token's role may read but not change peers; use an admin token");
    }

    private Task WriteProblemAsync(string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = Response.StatusCode, Title = title, Detail = detail },
        }).AsTask();

    private AuthenticateResult Success(string name, ApiRole role)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, WireNames.Of(role))], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
