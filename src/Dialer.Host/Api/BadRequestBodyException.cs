namespace Dialer.Host.Api;

/// <summary>The request body is not acceptable JSON for the endpoint; names the field (HTTP 400 or 415).</summary>
public sealed class BadRequestBodyException : Exception
{
    public BadRequestBodyException()
    {
    }

    public BadRequestBodyException(string message) : base(message)
    {
    }

    public BadRequestBodyException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public string Field { get; init; } = "body";

    public int StatusCode { get; init; } = StatusCodes.Status400BadRequest;
}
