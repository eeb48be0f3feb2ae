using System.Security.Claims;

namespace Dialer.Host.Api;

/// <summary>Who makes a change, for the audit log: the token's name.</summary>
public static class Actor
{
    public static string Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return "token:" + (user.Identity?.Name ?? "unknown");
    }
}
