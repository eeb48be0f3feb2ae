namespace Dialer.Edge.Registrar;

/// <summary>One Contact of a REGISTER: its URI, the expiry asked for (null = use the Expires header) and q in thousandths.</summary>
internal sealed record ContactRequest(string Uri, int? Expires, int QMillis);
