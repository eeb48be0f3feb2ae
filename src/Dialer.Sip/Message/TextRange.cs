namespace Dialer.Sip.Message;

/// <summary>A run of bytes inside a message buffer: where it starts and how long it is.</summary>
public readonly record struct TextRange(int Start, int Length)
{
    public static readonly TextRange Empty = new(0, 0);

    public int End => Start + Length;

    public bool IsEmpty => Length == 0;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> buffer) => buffer.Slice(Start, Length);
}
