using System.Collections.Concurrent;
using System.Text;
using Dialer.Sip.Transport;

namespace Dialer.Testing;

/// <summary>An <see cref="ISipSender"/> that keeps what was sent, for transaction tests on a fake clock.</summary>
public sealed class RecordingSender : ISipSender
{
    private readonly ConcurrentQueue<(SipEndpoint To, string Text)> _sent = new();

    public bool Fail { get; set; }

    public IReadOnlyList<(SipEndpoint To, string Text)> Sent => [.. _sent];

    public int Count(string startLine) => _sent.Count(s => s.Text.StartsWith(startLine, StringComparison.Ordinal));

    public ValueTask<bool> SendAsync(SipEndpoint destination, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (Fail)
        {
            return ValueTask.FromResult(false);
        }
        _sent.Enqueue((destination, Encoding.UTF8.GetString(message.Span)));
        return ValueTask.FromResult(true);
    }
}
