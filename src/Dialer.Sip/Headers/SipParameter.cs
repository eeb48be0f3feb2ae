using Dialer.Sip.Message;

namespace Dialer.Sip.Headers;

/// <summary>One ";name=value" parameter; <see cref="Value"/> is empty for a flag such as ";lr" (<see cref="HasValue"/> false).</summary>
public readonly record struct SipParameter(TextRange Name, TextRange Value, bool HasValue);
