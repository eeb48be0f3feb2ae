namespace Dialer.Peers.Model;

/// <summary>A validated phone ready to write. <see cref="Credentials"/> null keeps the stored ones.</summary>
public sealed record PhoneDraft(
    string Extension,
    string DisplayName,
    string AuthUsername,
    string Realm,
    PhoneCredentials? Credentials,
    IReadOnlyList<string> Codecs,
    int MaxContacts,
    bool Active);
