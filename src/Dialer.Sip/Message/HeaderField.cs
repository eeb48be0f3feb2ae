namespace Dialer.Sip.Message;

/// <summary>
/// One header line of a parsed message: its kind and where its name and value lie in the buffer.
/// The value is raw: folded continuation lines (RFC 3261 §7.3.1) stay inside it, with their CRLF.
/// </summary>
public readonly record struct HeaderField(HeaderKind Kind, TextRange Name, TextRange Value);
