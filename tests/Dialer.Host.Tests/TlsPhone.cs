using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Dialer.Sip.Auth;
using Dialer.Testing;

namespace Dialer.Host.Tests;

/// <summary>
/// A phone over TLS written against .NET's SslStream only (no Dialer.Sip transport): connects to the edge's tls: port
/// checking its certificate against the test CA, then sends and reads SIP messages framed by Content-Length on that
/// one connection, as a TLS phone behind NAT does (RFC 5626: requests to it come back on the flow it registered over).
/// </summary>
public sealed class TlsPhone : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly SslStream _tls;
    private readonly MemoryStream _pending = new();

    private TlsPhone(TcpClient client, SslStream tls)
    {
        _client = client;
        _tls = tls;
    }

    public IPEndPoint Local => (IPEndPoint)_client.Client.LocalEndPoint!;
    public X509Certificate2 EdgeCertificate => (X509Certificate2)_tls.RemoteCertificate!;

    public static async Task<TlsPhone> ConnectAsync(int port, string serverName, X509Certificate2 ca)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var tls = new SslStream(client.GetStream());
        var trust = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        trust.CustomTrustStore.Add(ca);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName, CertificateChainPolicy = trust }, timeout.Token);
        return new TlsPhone(client, tls);
    }

    public async Task SendAsync(string message)
    {
        await _tls.WriteAsync(Encoding.UTF8.GetBytes(message));
        await _tls.FlushAsync();
    }

    /// <summary>The next message on the connection (CRLF keepalives skipped), within <paramref name="timeout"/> (default 10 s).</summary>
    public async Task<string> ReadAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        while (true)
        {
            if (TryTake(out var message))
            {
                return message;
            }
            var read = await _tls.ReadAsync(buffer, cancel.Token);
            if (read == 0)
            {
                throw new IOException("the edge closed the TLS connection");
            }
            _pending.Write(buffer, 0, read);
        }
    }

    /// <summary>Reads until a message starting with <paramref name="start"/> arrives (e.g. "SIP/2.0 200", "INVITE ").</summary>
    public async Task<string> ReadUntilAsync(string start)
    {
        while (true)
        {
            var message = await ReadAsync();
            if (message.StartsWith(start, StringComparison.Ordinal))
            {
                return message;
            }
        }
    }

    private bool TryTake(out string message)
    {
        message = "";
        var text = Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length);
        var trimmed = text.TrimStart('\r', '\n');
        var end = trimmed.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }
        var length = int.TryParse(SipText.Header(trimmed[..(end + 2)], "Content-Length"), out var l) ? l : 0;
        var total = end + 4 + length;
        if (trimmed.Length < total)
        {
            return false;
        }
        message = trimmed[..total];
        var rest = Encoding.UTF8.GetBytes(trimmed[total..]);
        _pending.SetLength(0);
        _pending.Write(rest);
        return true;
    }

    /// <summary>REGISTER with a sips: Contact, answered 401 and then with digest; returns the final response.</summary>
    public async Task<string> RegisterAsync(string extension, string password, string domain)
    {
        var callId = Guid.NewGuid().ToString("N");
        var first = Register(extension, domain, callId, 1, null);
        await SendAsync(first);
        var challenge = await ReadUntilAsync("SIP/2.0 401");
        var header = SipText.Header(challenge, "WWW-Authenticate") ?? throw new InvalidOperationException("401 without a challenge: " + challenge);
        if (!DigestClient.TryAnswer(header, "REGISTER", $"sips:{domain}", extension, password, 1, out var answer))
        {
            throw new InvalidOperationException("cannot answer " + header);
        }
        await SendAsync(Register(extension, domain, callId, 2, answer));
        return await ReadAsync();
    }

    private string Register(string extension, string domain, string callId, int cseq, string? authorization)
    {
        var local = $"127.0.0.1:{Local.Port}";
        var auth = authorization is null ? "" : $"Authorization: {authorization}\r\n";
        return $"REGISTER sips:{domain} SIP/2.0\r\nVia: SIP/2.0/TLS {local};branch={RawSip.Branch()};rport\r\nMax-Forwards: 70\r\n" +
            $"From: <sips:{extension}@{domain}>;tag=tlsphone\r\nTo: <sips:{extension}@{domain}>\r\nCall-ID: {callId}\r\nCSeq: {cseq} REGISTER\r\n" +
            $"Contact: <sips:{extension}@{local}>\r\nExpires: 600\r\n{auth}User-Agent: TLS phone\r\nContent-Length: 0\r\n\r\n";
    }

    public async ValueTask DisposeAsync()
    {
        await _tls.DisposeAsync();
        _client.Dispose();
        await _pending.DisposeAsync();
    }
}
