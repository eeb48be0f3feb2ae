using System.Text;
using Dialer.Edge.Core;
using Dialer.Edge.Dialogs;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Calls;

/// <summary>
/// Ends a call at its dialog timeout (<c>Edge:MaxCallSeconds</c>) as Kamailio's dialog module does with
/// <c>dlg_send_bye</c>: a BYE to the caller and to every confirmed callee leg, each as the other side would send it, with
/// the dialog's tags, the next CSeq and the route set towards that side. The dialog (and its channel) ends when the last
/// callee has answered its BYE or timed out, so a carrier never holds a call the edge no longer counts.
/// </summary>
public sealed partial class DialogHangup(ClientTransactions transactions, EdgeAddresses addresses, DialogTable dialogs, ILogger<DialogHangup> logger)
{
    public void Hangup(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        var legs = dialog.Legs.Where(l => l.Confirmed && !l.Ended && l.Paths is not null).ToList();
        LogTimeout(logger, dialog.CallId, dialog.Number, legs.Count);
        if (legs.Count == 0)
        {
            dialogs.End(dialog, DialogEnd.Timeout);
            return;
        }
        // One BYE to the caller (on the first leg's terms: the caller knows a single callee) and one to each callee.
        var first = legs[0];
        _ = Send(dialog, first, DialogSide.Caller, dialog.Caller.Target, first.Paths!.Value.TowardsCaller, onDone: null);
        var left = legs.Count;
        foreach (var leg in legs)
        {
            _ = Send(dialog, leg, DialogSide.Callee, leg.Party.Target, leg.Paths!.Value.TowardsCallee, onDone: () =>
            {
                dialog.EndLeg(leg);
                if (Interlocked.Decrement(ref left) == 0)
                {
                    dialogs.End(dialog, DialogEnd.Timeout);
                }
            });
        }
    }

    private async Task Send(Dialog dialog, DialogLeg leg, DialogSide towards, SipEndpoint destination, DialogPath path, Action? onDone)
    {
        var local = addresses.For(destination.Protocol, destination.Address.AddressFamily).Address;
        var request = new StringBuilder(512)
            .Append("BYE ").Append(path.Uri).Append(" SIP/2.0\r\n")
            .Append("Via: SIP/2.0/").Append(destination.ProtocolName).Append(' ').Append(Forwarder.HostText(local.Address)).Append(':')
            .Append(local.Port).Append(";branch=").Append(TransactionKey.NewBranch()).Append(";rport\r\n")
            .Append("Max-Forwards: 70\r\n");
        foreach (var route in path.Route)
        {
            request.Append("Route: ").Append(route).Append("\r\n");
        }
        request.Append("From: ").Append(path.From).Append("\r\n")
            .Append("To: ").Append(path.To).Append("\r\n")
            .Append("Call-ID: ").Append(dialog.CallId).Append("\r\n")
            .Append("CSeq: ").Append(dialog.NextCSeq(towards, leg)).Append(" BYE\r\n")
            .Append("Reason: SIP;cause=408;text=\"dialog timeout\"\r\n")
            .Append("Content-Length: 0\r\n\r\n");
        var done = 0;
        void Finish()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                onDone?.Invoke();
            }
        }
        try
        {
            await transactions.SendRequestAsync(Encoding.UTF8.GetBytes(request.ToString()), destination,
                (client, response) =>
                {
                    if (response.StatusCode >= 200)
                    {
                        Finish();
                    }
                },
                (client, error) => Finish());
        }
#pragma warning disable CA1031 // A BYE that cannot even be written must not keep the channel charged.
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogSendFailed(logger, dialog.CallId, destination.ToString(), error);
            Finish();
        }
    }

    [LoggerMessage(EventId = 2311, Level = LogLevel.Warning, Message = "The timeout BYE of call {CallId} to {Destination} could not be sent")]
    private static partial void LogSendFailed(ILogger logger, string callId, string destination, Exception error);

    [LoggerMessage(EventId = 2310, Level = LogLevel.Information,
        Message = "Call {CallId} to {Number} reached the dialog timeout: BYE sent to the caller and {Legs} callee leg(s)")]
    private static partial void LogTimeout(ILogger logger, string callId, string number, int legs);
}
