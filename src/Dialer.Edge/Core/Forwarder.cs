using Dialer.Edge.Dialogs;
using Dialer.Sip.Message;
using Dialer.Sip.Proxy;
using Dialer.Sip.Transport;
using Dialer.Sip.Writing;

namespace Dialer.Edge.Core;

/// <summary>What one forwarded request changes besides Via and Max-Forwards (RFC 3261 §16.6).</summary>
public sealed record ForwardChanges
{
    /// <summary>The new Request-URI; null keeps the received one.</summary>
    public string? RequestUri { get; init; }
    /// <summary>Record-Route with this dialog's signed token (initial INVITEs); null adds none.</summary>
    public Dialog? RecordRoute { get; init; }
    public IReadOnlyCollection<string> Remove { get; init; } = [];
    public IReadOnlyList<string> Add { get; init; } = [];
    public ReadOnlyMemory<byte>? Body { get; init; }

    public static readonly ForwardChanges None = new();
}

/// <summary>
/// Writes the requests the edge forwards: our Via (with a loop-detecting branch and rport), Record-Route carrying the
/// dialog token, our own Route popped, received/rport on the previous hop's Via. One place, so every handler's
/// requests look alike on the wire.
/// </summary>
public sealed class Forwarder(EdgeAddresses addresses, bool forceRport = true)
{
    public byte[] Request(SipMessage request, SipEndpoint source, SipEndpoint destination, ForwardChanges changes)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(changes);
        var local = addresses.For(destination.Protocol, destination.Address.AddressFamily).Address;
        var host = HostText(local.Address);
        var udp = addresses.For(SipProtocol.Udp, destination.Address.AddressFamily).Address;
        using var buffer = new PooledBuffer(2048);
        ProxyWriter.Request(request, new ForwardOptions
        {
            Via = $"SIP/2.0/{destination.ProtocolName} {host}:{local.Port};branch={ProxyBranch.For(request)};rport",
            RequestUri = changes.RequestUri,
            RecordRoute = changes.RecordRoute is { } dialog ? $"sip:{host}:{udp.Port};lr;{DialogToken.Parameter}={dialog.Token}" : null,
            RemoveTopRoute = addresses.RoutesThroughUs(request),
            Source = source.Address,
            ForceRport = forceRport,
            RemoveHeaders = changes.Remove,
            AddHeaders = changes.Add,
            Body = changes.Body,
        }, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A response on its way back: our Via popped (RFC 3261 §16.7 step 3), the caller's Vias restored if a sloppy peer dropped them.</summary>
    public static byte[] Response(SipMessage response, SipMessage? request = null, SipEndpoint? source = null)
    {
        using var buffer = new PooledBuffer(1024);
        ProxyWriter.Response(response, buffer, request, source?.Address);
        return buffer.WrittenSpan.ToArray();
    }

    internal static string HostText(System.Net.IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
