namespace Dialer.Edge.Trunks;

/// <summary>
/// One admitted channel. <see cref="Release"/> gives it back exactly once, whoever calls it first (BYE, CANCEL,
/// a final failure, the dialog timeout); later calls do nothing.
/// </summary>
public sealed class ChannelLease
{
    private readonly TrunkChannels _owner;
    private int _released;

    internal ChannelLease(TrunkChannels owner, string? campaign, bool reserved)
    {
        _owner = owner;
        Campaign = campaign;
        Reserved = reserved;
    }

    public string Trunk => _owner.Trunk;
    public string? Campaign { get; }
    /// <summary>Whether the channel came from the campaign's reservation rather than the unreserved pool.</summary>
    public bool Reserved { get; }
    /// <summary>The carrier-log record of the call holding this channel; written when the channel is released.</summary>
    public Dialer.Peers.Model.CallRecord? Record { get; set; }

    /// <returns>True for the call that actually released it.</returns>
    public bool Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return false;
        }
        _owner.Release(this);
        return true;
    }
}
