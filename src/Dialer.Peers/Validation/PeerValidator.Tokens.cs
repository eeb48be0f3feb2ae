using Dialer.Peers.Model;

namespace Dialer.Peers.Validation;

public static partial class PeerValidator
{
    /// <summary>An admin API token's name and role.</summary>
    public static (string Name, ApiRole Role) Token(string? name, string? role)
    {
        var errors = new ValidationErrors();
        Rules.Name(errors, "name", name);
        if (!WireNames.TryParse(role, out ApiRole parsed))
        {
            errors.Add("role", "must be admin or viewer");
        }
        errors.ThrowIfAny();
        return (name!, parsed);
    }
}
