namespace Dialer.Peers.Model;

/// <summary>
/// A validated phone ready to write. <see cref="Credentials"/> null keeps the stored ones. Whether each of
/// <see cref="OutboundTrunks"/> exists is checked on write, like campaign allocations.
/// </summary>
public sealed record PhoneDraft(
    string Extension,
    string DisplayName,
    string AuthUsername,
    string Realm,
    PhoneCredentials? Credentials,
    IReadOnlyList<string> Codecs,
    int MaxContacts,
    IReadOnlyList<string> OutboundTrunks,
    string CallerId,
    IReadOnlyList<string> DigestAlgorithms,
    bool Active);
