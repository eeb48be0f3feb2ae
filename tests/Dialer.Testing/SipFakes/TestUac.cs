using System.Net;
using System.Text;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;

namespace Dialer.Testing;

/// <summary>A client built only from Dialer.Sip: sends requests in client transactions and waits for the final answer.</summary>
public sealed class TestUac : ITransactionUser, IAsyncDisposable
{
    private readonly TransactionLayer _layer;

    private TestUac(SipTransportHost host)
    {
        Host = host;
        _layer = new TransactionLayer(new TransactionContext(host, TimeProvider.System, SipTimers.Default), this);
    }

    public SipTransportHost Host { get; }

    public static TestUac Start(params string[] listen) => Start(new SipTransportOptions(), listen);

    /// <param name="options">Transport options (TLS certificates and client policies in the TLS tests).</param>
    /// <param name="listen">Listen addresses as configured.</param>
    public static TestUac Start(SipTransportOptions options, params string[] listen)
    {
        TestUac? uac = null;
        var host = new SipTransportHost((message, source) =>
        {
            if (message.IsRequest)
            {
                uac!._layer.ReceiveRequest(message, source);
            }
            else
            {
                uac!._layer.ReceiveResponse(message, source);
            }
        }, options);
        uac = new TestUac(host);
        host.Start(listen.Select(l => SipListenAddress.TryParse(l, out var a) ? a : throw new ArgumentException(l)));
        return uac;
    }

    /// <returns>The final response's status, or 408/503 as RFC 3261 §8.1.3.1 maps timeouts and transport errors.</returns>
    public async Task<int> RequestAsync(string method, SipEndpoint destination)
    {
        // A TLS client needs no listener of its own: without one its Via names another bound address (responses come back on the connection).
        var local = (Host.Bound.FirstOrDefault(b => b.Protocol == destination.Protocol && b.Address.AddressFamily == destination.Address.AddressFamily)
            ?? Host.Bound.First(b => b.Address.AddressFamily == destination.Address.AddressFamily)).Address;
        var host = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString();
        var text = $"{method} sip:uas@{destination.Address} SIP/2.0\r\nVia: SIP/2.0/{destination.ProtocolName} {host}:{local.Port};branch={TransactionKey.NewBranch()};rport\r\n" +
            $"Max-Forwards: 70\r\nFrom: <sip:uac@{host}>;tag=uac1\r\nTo: <sip:uas@{destination.Address}>\r\nCall-ID: {Guid.NewGuid():N}\r\nCSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n";
        var final = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _layer.SendRequestAsync(Encoding.ASCII.GetBytes(text), destination,
            (_, response) =>
            {
                if (response.StatusCode >= 200)
                {
                    final.TrySetResult(response.StatusCode);
                }
            },
            (_, error) => final.TrySetResult(error == TransactionError.Timeout ? 408 : 503));
        return await final.Task.WaitAsync(TimeSpan.FromSeconds(40));
    }

    public void OnRequest(ServerTransaction? transaction, SipMessage request, SipEndpoint source)
    {
    }

    public void OnAck(SipMessage ack, SipEndpoint source)
    {
    }

    public void OnStrayResponse(SipMessage response, SipEndpoint source)
    {
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    public static SipEndpoint Endpoint(SipProtocol protocol, IPAddress address, int port) => new(protocol, new IPEndPoint(address, port));
}
