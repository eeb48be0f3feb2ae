using Dialer.Peers.Storage;
using Dialer.Peers.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Host.Api;

/// <summary>
/// The one place where failures become HTTP answers (RFC 9457 problem details): bad input 400, missing 404,
/// conflicts 409, stale If-Match 412, database unreachable 503 with Retry-After. Never a 500 for bad input.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var details = Describe(exception, httpContext);
        if (details is null)
        {
            return false;
        }
        httpContext.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    private ProblemDetails? Describe(Exception exception, HttpContext context)
    {
        switch (exception)
        {
            case PeerValidationException invalid:
                return new HttpValidationProblemDetails(invalid.Errors)
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "One or more fields are invalid",
                };
            case BadRequestBodyException body:
                return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [body.Field] = [body.Message] })
                {
                    Status = body.StatusCode,
                    Title = body.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Unsupported media type" : "The request is malformed",
                };
            case BadHttpRequestException bad:
                return new ProblemDetails { Status = bad.StatusCode, Title = "The request is malformed", Detail = bad.Message };
            case PeerNotFoundException missing:
                return new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = missing.Message };
            case VersionMismatchException stale:
                // The exception middleware strips ETag from error answers, so the current version goes in the body.
                return new ProblemDetails
                {
                    Status = StatusCodes.Status412PreconditionFailed,
                    Title = "Precondition failed",
                    Detail = stale.Message,
                    Extensions = { ["currentVersion"] = stale.CurrentVersion },
                };
            case PeerConflictException conflict:
                return conflict.Field is null
                    ? new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = conflict.Message }
                    : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [conflict.Field] = [conflict.Message] })
                    {
                        Status = StatusCodes.Status409Conflict,
                        Title = "Conflict",
                        Detail = conflict.Message,
                    };
            case Dialer.Peers.Security.SecretUnreadableException unreadable:
                LogSecretUnreadable(logger, unreadable.Message);
                return new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "Trunk secret unreadable",
                    Detail = unreadable.Message,
                };
            case Exception when DatabaseErrors.IsTransient(exception):
                // Down, unreachable, timed out or a deadlock: the same request may succeed in a moment.
                LogDatabaseUnavailable(logger, exception.Message);
                context.Response.Headers.RetryAfter = "5";
                return new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Database unavailable",
                    Detail = "the peer repository cannot be reached; retry shortly (GET the resource to see whether a change was committed)",
                };
            default:
                return null;
        }
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogSecretUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Peer repository unavailable: {Reason}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string reason);
}
