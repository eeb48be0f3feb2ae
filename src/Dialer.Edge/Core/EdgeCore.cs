using Dialer.Edge.Registrar;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Dialer.Edge.Core;

/// <summary>
/// The edge's transaction user: one place that decides what each request is for. REGISTER goes to the
/// registrar; OPTIONS to the edge gets its capabilities; methods the edge does not handle get 405 with Allow.
/// </summary>
public sealed partial class EdgeCore(PhoneRegistrar registrar, ILogger<EdgeCore> logger) : ITransactionUser
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
            if (_draining)
            {
                await Responder.RespondAsync(transaction, 503, "Service Unavailable", "Retry-After: 5", "Reason: SIP;cause=503;text=\"shutting down\"");
                return;
            }
            switch (request.Method)
            {
                case SipMethod.Register:
                    await registrar.HandleAsync(transaction, request, source);
                    break;
                case SipMethod.Options:
                    await Responder.CapabilitiesAsync(transaction);
                    break;
                default:
                    await Responder.RespondAsync(transaction, 405, "Method Not Allowed", $"Allow: {Responder.Allow}");
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

    public void OnAck(SipMessage ack, SipEndpoint source)
    {
    }

    public void OnStrayResponse(SipMessage response, SipEndpoint source)
    {
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Handling {Method} from {Source} failed")]
    private static partial void LogRequestFailed(ILogger logger, string method, string source, Exception error);
}
