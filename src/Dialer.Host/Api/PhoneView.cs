using Dialer.Peers.Model;

namespace Dialer.Host.Api;

/// <summary>A phone peer as the API shows it: the password and HA1 digests never leave the server.</summary>
public sealed record PhoneView(
    string Extension, string DisplayName, string AuthUsername, string Realm, IReadOnlyList<string> Codecs,
    int MaxContacts, IReadOnlyList<string> OutboundTrunks, string CallerId, IReadOnlyList<string> DigestAlgorithms,
    bool Active, long Version)
{
    public static PhoneView Of(Phone phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        return new(phone.Extension, phone.DisplayName, phone.AuthUsername, phone.Realm, phone.Codecs, phone.MaxContacts,
            phone.OutboundTrunks, phone.CallerId, phone.DigestAlgorithms, phone.Active, phone.Version);
    }
}
