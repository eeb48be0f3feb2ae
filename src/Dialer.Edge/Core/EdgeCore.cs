using Dialer.Edge.Registrar;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Core;

/// <summary>
/// The edge's transaction user: one place that decides what each request is for. REGISTER goes to the
/// registrar, INVITE and CANCEL to the call router, OPTIONS to the edge gets its capabilities, other requests
/// are in-dialog requests routed through our Record-Route. While draining, new calls and registrations get 503.
/// </summary>
public sealed partial class EdgeCore(PhoneRegistrar registrar, CallRouter calls, ILogger<EdgeCore> logger) : ITransactionUser
{
    private volatile bool _draining;

    /// <summary>Stop taking new work: new requests get 503 with Retry-After while transactions in progress finish.</summary>
    public void Drain() => _draining = true;

    public void OnRequest(ServerTransaction? transaction, SipMessage request, SipEndpoint source)
    {
        if (transaction is null)
        {
            // RFC 2543 request without a magic-cookie branch: no transaction state is kept for those.
            return;
        }
        _ = DispatchAsync(transaction, request, source);
    }

    private async Task DispatchAsync(ServerTransaction transaction, SipMessage request, SipEndpoint source)
    {
        try
        {
            if (_draining && request.Method is SipMethod.Invite or SipMethod.Register)
            {
                await Responder.RespondAsync(transaction, 503, "Service Unavailable", "Retry-After: 5", "Reason: SIP;cause=503;text=\"shutting down\"");
                return;
            }
            switch (request.Method)
            {
                case SipMethod.Register:
                    await registrar.HandleAsync(transaction, request, source);
                    break;
                case SipMethod.Invite:
                    await calls.InviteAsync(transaction, request, source);
                    break;
                case SipMethod.Cancel:
                    await calls.CancelAsync(transaction, request);
                    break;
                case SipMethod.Options when request.IndexOf(HeaderKind.Route) < 0:
                    await Responder.CapabilitiesAsync(transaction);
                    break;
                default:
                    // BYE, re-INVITE, INFO, UPDATE ... inside dialogs that record-routed through the edge.
                    await calls.InDialogAsync(transaction, request, source);
                    break;
            }
        }
#pragma warning disable CA1031 // One request's failure must not take down the edge; it is logged and answered.
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogRequestFailed(logger, request.MethodText, source.ToString(), error);
            await Responder.RespondAsync(transaction, 500, "Server Internal Error");
        }
    }

    public void OnAck(SipMessage ack, SipEndpoint source) => calls.Ack(ack, source);

    public void OnStrayResponse(SipMessage response, SipEndpoint source) => calls.StrayResponse(response);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Handling {Method} from {Source} failed")]
    private static partial void LogRequestFailed(ILogger logger, string method, string source, Exception error);
}
