namespace Dialer.Peers.Validation;

/// <summary>Collects every violated rule, each under the JSON path of its field ("servers[0].port").</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool HasErrors => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            messages = [];
            _errors[field] = messages;
        }
        messages.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw new PeerValidationException(ToDictionary());
        }
    }

    public static PeerValidationException Failure(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return new PeerValidationException(errors.ToDictionary());
    }
}
