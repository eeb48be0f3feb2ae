using System.Collections.Concurrent;
using System.Net;
using Dialer.Edge.Core;
using Dialer.Peers.Model;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Uris;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Location;

/// <summary>
/// Keeps NAT pinholes open for phones behind NAT (Kamailio's nathelper with natping over SIP): every
/// <c>Edge:NatPingSeconds</c> each UDP binding whose Contact is not the address it registered from gets an OPTIONS at
/// that observed source. Any answer proves the pinhole; a ping still unanswered when the next round comes is a miss
/// (its transaction may go on retransmitting until timer F, but the round does not wait for it, so a silent phone is
/// pinged every interval too), and a binding that leaves <c>Edge:NatPingMisses</c> pings in a row unanswered is removed
/// (the phone is gone or its mapping changed) and the removal is logged.
/// </summary>
public sealed partial class NatKeepalive(LocationService location, ClientTransactions transactions, EdgeAddresses addresses, EdgeSettings settings,
    TimeProvider time, ILogger<NatKeepalive> logger)
{
    private readonly ConcurrentDictionary<(string Extension, string Contact), int> _misses = new();
    // The ping each binding still waits on an answer to, by identity: a late answer to an older one must not clear it.
    private readonly ConcurrentDictionary<(string Extension, string Contact), object> _waiting = new();

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (settings.NatPingInterval <= TimeSpan.Zero)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.NatPingInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await PingAllAsync();
        }
    }

    /// <summary>One round: the last round's unanswered pings count as misses, then an OPTIONS to every NATed binding left that this node holds.</summary>
    public async Task PingAllAsync()
    {
        var pinged = new HashSet<(string, string)>();
        foreach (var binding in location.All())
        {
            var key = (binding.Extension, binding.Contact);
            // Clustered, only the node holding the phone's flow pings it: from any other node's address the phone's NAT
            // would not let the ping in, the misses would remove a live binding, and every node would see it go.
            if (!IsNated(binding) || !settings.Cluster.Holds(binding))
            {
                continue;
            }
            if (_waiting.TryRemove(key, out _) && _misses.AddOrUpdate(key, 1, (k, misses) => misses + 1) >= settings.NatPingMisses)
            {
                _misses.TryRemove(key, out _);
                Remove(binding);
                continue;
            }
            pinged.Add(key);
            await PingAsync(binding, key);
        }
        // Bindings that expired or were removed since: nothing more to count for them.
        foreach (var key in _misses.Keys.Concat(_waiting.Keys).Where(k => !pinged.Contains(k)))
        {
            _misses.TryRemove(key, out _);
            _waiting.TryRemove(key, out _);
        }
    }

    /// <summary>Behind NAT as nathelper tells it: a UDP contact that does not name the address the REGISTER came from.</summary>
    public static bool IsNated(Binding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (binding.Protocol != "udp" || !SipUri.TryParse(binding.Contact, out var contact))
        {
            return false;
        }
        return !IPAddress.TryParse(contact.HostWithoutBrackets, out var address) || !address.Equals(binding.Source.Address)
            || (contact.Port ?? 5060) != binding.Source.Port;
    }

    private async Task PingAsync(Binding binding, (string, string) key)
    {
        var destination = Destinations.ForBinding(binding);
        var local = addresses.For(SipProtocol.Udp, destination.Address.AddressFamily).Address;
        var host = Forwarder.HostText(local.Address);
        var tag = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        var request = $"OPTIONS {binding.Contact} SIP/2.0\r\nVia: SIP/2.0/UDP {host}:{local.Port};branch={TransactionKey.NewBranch()};rport\r\n"
            + $"Max-Forwards: 70\r\nFrom: <sip:keepalive@{host}>;tag={tag}\r\nTo: <{binding.Contact}>\r\nCall-ID: {tag}-natping@{host}\r\n"
            + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        var ping = new object();
        _waiting[key] = ping;
        await transactions.SendRequestAsync(System.Text.Encoding.UTF8.GetBytes(request), destination,
            (client, response) =>
            {
                if (response.StatusCode >= 200)
                {
                    // Any final answer, even 404 or 405, came back through the pinhole.
                    _waiting.TryRemove(new KeyValuePair<(string, string), object>(key, ping));
                    _misses.TryRemove(key, out _);
                }
            },
            // A timeout or transport error: the ping stays unanswered, and the next round counts it.
            (_, _) => { });
    }

    private void Remove(Binding binding)
    {
        var removed = location.Update(binding.Extension, live =>
        {
            var left = live.Where(b => b.Contact != binding.Contact).ToList();
            return (left, left.Count < live.Count);
        });
        if (removed)
        {
            LogRemoved(logger, binding.Extension, binding.Contact, binding.Source, settings.NatPingMisses);
        }
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Binding {Contact} of phone {Extension} removed: its NAT keepalives to {Source} went unanswered {Misses} times")]
    private static partial void LogRemoved(ILogger logger, string extension, string contact, IPEndPoint source, int misses);
}
