using System.Runtime.CompilerServices;

namespace Dialer.Sip.Message;

/// <summary>
/// The headers of one message in arrival order, stored inline in the message object so that parsing a
/// typical message allocates nothing beyond the message itself. Past <see cref="InlineCapacity"/> headers an
/// overflow array is used. The first occurrence of each known kind is indexed for O(1) lookups.
/// </summary>
internal struct HeaderTable
{
    public const int InlineCapacity = 32;
    public const int MaxHeaders = 250;

    private InlineHeaders _inline;
    private KindIndex _first;
    private HeaderField[]? _overflow;

    public int Count { get; private set; }

    public readonly HeaderField this[int index] => index < InlineCapacity ? _inline[index] : _overflow![index - InlineCapacity];

    /// <returns>False when the message has more headers than <see cref="MaxHeaders"/>.</returns>
    public bool Add(HeaderField field)
    {
        if (Count >= MaxHeaders)
        {
            return false;
        }
        if (Count < InlineCapacity)
        {
            _inline[Count] = field;
        }
        else
        {
            _overflow ??= new HeaderField[MaxHeaders - InlineCapacity];
            _overflow[Count - InlineCapacity] = field;
        }
        if (field.Kind != HeaderKind.Other && _first[(int)field.Kind] == 0)
        {
            _first[(int)field.Kind] = (byte)(Count + 1);
        }
        Count++;
        return true;
    }

    /// <summary>Grows the value of the last header to <paramref name="end"/> (a folded continuation line).</summary>
    public void ExtendLast(int end)
    {
        var last = this[Count - 1];
        var extended = last with { Value = new TextRange(last.Value.Start, end - last.Value.Start) };
        if (Count - 1 < InlineCapacity)
        {
            _inline[Count - 1] = extended;
        }
        else
        {
            _overflow![Count - 1 - InlineCapacity] = extended;
        }
    }

    /// <returns>The index of the first header of that kind, or -1.</returns>
    public readonly int IndexOf(HeaderKind kind) => _first[(int)kind] - 1;

    public void Clear()
    {
        Count = 0;
        _first = default;
    }

    [InlineArray(InlineCapacity)]
    private struct InlineHeaders
    {
        private HeaderField _element;
    }

    [InlineArray(HeaderKinds.Count)]
    private struct KindIndex
    {
        private byte _element;
    }
}
