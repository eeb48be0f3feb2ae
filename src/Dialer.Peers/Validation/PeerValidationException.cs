namespace Dialer.Peers.Validation;

/// <summary>Input broke one or more rules; <see cref="Errors"/> names each field (maps to HTTP 400).</summary>
public sealed class PeerValidationException : Exception
{
    public PeerValidationException(IDictionary<string, string[]> errors)
        : base("Invalid input: " + string.Join("; ", errors.Select(pair => $"{pair.Key}: {string.Join(", ", pair.Value)}")))
    {
        Errors = errors;
    }

    public PeerValidationException() : this(new Dictionary<string, string[]>())
    {
    }

    public PeerValidationException(string message) : base(message)
    {
        Errors = new Dictionary<string, string[]>();
    }

    public PeerValidationException(string message, Exception innerException) : base(message, innerException)
    {
        Errors = new Dictionary<string, string[]>();
    }

    public IDictionary<string, string[]> Errors { get; }
}
