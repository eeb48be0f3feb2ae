using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dialer.Testing;

/// <summary>
/// A DNS server on loopback answering from a table, over UDP and over TCP on the same port (RFC 7766); answers point
/// back at the question with compression. Like a real server it echoes EDNS (RFC 6891) and truncates a UDP answer
/// larger than the client's payload size (512 without EDNS, or <see cref="MaxUdpAnswer"/>), setting TC.
/// </summary>
public sealed class FakeDnsServer : IAsyncDisposable
{
    private const byte OptType = 41;
    private readonly UdpClient _socket;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<(string, DnsRecordType), List<(uint Ttl, byte[] Data)>> _records = [];
    private readonly Task _loop;
    private readonly Task _tcpLoop;
    private int _queries;
    private int _tcpQueries;
    private int _truncated;
    private int _lastPayloadSize;

    public FakeDnsServer()
    {
        // The TCP listener needs the UDP socket's port: try until both are free.
        for (var attempt = 0; ; attempt++)
        {
            var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new TcpListener(IPAddress.Loopback, ((IPEndPoint)udp.Client.LocalEndPoint!).Port);
            try
            {
                tcp.Start();
                (_socket, _tcp) = (udp, tcp);
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
            }
        }
        _loop = Task.Run(ServeAsync);
        _tcpLoop = Task.Run(ServeTcpAsync);
    }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    /// <summary>Queries received, over UDP and TCP.</summary>
    public int Queries => Volatile.Read(ref _queries);

    /// <summary>Queries received over TCP.</summary>
    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    /// <summary>UDP answers sent truncated (TC set, no records).</summary>
    public int Truncated => Volatile.Read(ref _truncated);

    /// <summary>The UDP payload size the last query advertised in its OPT record; 0 when it had none.</summary>
    public int LastPayloadSize => Volatile.Read(ref _lastPayloadSize);

    /// <summary>Receive and never answer.</summary>
    public bool Silent { get; set; }

    /// <summary>UDP answers longer than this are truncated whatever the client's EDNS size says (null: the client's size).</summary>
    public int? MaxUdpAnswer { get; set; }

    public void AddA(string name, string address, uint ttl = 300) => Add(name, IPAddress.Parse(address).AddressFamily == AddressFamily.InterNetworkV6 ? DnsRecordType.Aaaa : DnsRecordType.A, ttl, IPAddress.Parse(address).GetAddressBytes());

    public void AddSrv(string name, int priority, int weight, int port, string target, uint ttl = 300)
    {
        var data = new List<byte>();
        data.AddRange([(byte)(priority >> 8), (byte)priority, (byte)(weight >> 8), (byte)weight, (byte)(port >> 8), (byte)port]);
        data.AddRange(Name(target));
        Add(name, DnsRecordType.Srv, ttl, [.. data]);
    }

    private void Add(string name, DnsRecordType type, uint ttl, byte[] data)
    {
        lock (_records)
        {
            var key = (name.ToLowerInvariant(), type);
            if (!_records.TryGetValue(key, out var list))
            {
                _records[key] = list = [];
            }
            list.Add((ttl, data));
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _queries);
            if (!Silent)
            {
                await _socket.SendAsync(Answer(request.Buffer, udp: true), request.RemoteEndPoint);
            }
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeConnectionAsync(client));
        }
    }

    /// <summary>RFC 1035 §4.2.2: each message is preceded by its length in two bytes.</summary>
    private async Task ServeConnectionAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var length = new byte[2];
            try
            {
                while (true)
                {
                    await stream.ReadExactlyAsync(length, _stop.Token);
                    var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                    await stream.ReadExactlyAsync(query, _stop.Token);
                    Interlocked.Increment(ref _queries);
                    Interlocked.Increment(ref _tcpQueries);
                    if (Silent)
                    {
                        continue;
                    }
                    var answer = Answer(query, udp: false);
                    await stream.WriteAsync(new byte[] { (byte)(answer.Length >> 8), (byte)answer.Length }, _stop.Token);
                    await stream.WriteAsync(answer, _stop.Token);
                }
            }
            catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException or SocketException or EndOfStreamException)
            {
                // The client closed, or the server stops.
            }
        }
    }

    private byte[] Answer(byte[] query, bool udp)
    {
        var p = 12;
        var labels = new List<string>();
        while (query[p] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(query, p + 1, query[p]));
            p += query[p] + 1;
        }
        var questionEnd = p + 5;
        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(p + 1));
        var payloadSize = OptPayloadSize(query, questionEnd);
        Volatile.Write(ref _lastPayloadSize, payloadSize);
        List<(uint Ttl, byte[] Data)> answers;
        lock (_records)
        {
            answers = _records.TryGetValue((string.Join('.', labels).ToLowerInvariant(), type), out var found) ? [.. found] : [];
        }
        var response = Header(query, questionEnd, answers.Count, payloadSize > 0, truncated: false);
        foreach (var (ttl, data) in answers)
        {
            response.AddRange([0xC0, 0x0C, 0, (byte)type, 0, 1, (byte)(ttl >> 24), (byte)(ttl >> 16), (byte)(ttl >> 8), (byte)ttl, (byte)(data.Length >> 8), (byte)data.Length]);
            response.AddRange(data);
        }
        AddOpt(response, payloadSize);
        var limit = MaxUdpAnswer ?? (payloadSize > 512 ? payloadSize : 512);
        if (udp && response.Count > limit)
        {
            // RFC 2181 §9: too big for the datagram: no records, TC set; the client asks again over TCP.
            Interlocked.Increment(ref _truncated);
            response = Header(query, questionEnd, 0, payloadSize > 0, truncated: true);
            AddOpt(response, payloadSize);
        }
        return [.. response];
    }

    /// <summary>The question copied, QR and RA set, NXDOMAIN when empty, counts of our own sections.</summary>
    private static List<byte> Header(byte[] query, int questionEnd, int answers, bool opt, bool truncated)
    {
        var response = new List<byte>(query.AsSpan(0, questionEnd).ToArray());
        response[2] = (byte)(0x81 | (truncated ? 0x02 : 0)); // QR, RD (and TC)
        response[3] = (byte)(answers == 0 && !truncated ? 0x83 : 0x80); // RA, and NXDOMAIN when empty
        response[4] = 0;
        response[5] = 1;
        response[6] = (byte)(answers >> 8);
        response[7] = (byte)answers;
        response[8] = 0;
        response[9] = 0;
        response[10] = 0;
        response[11] = (byte)(opt ? 1 : 0);
        return response;
    }

    private static void AddOpt(List<byte> response, int payloadSize)
    {
        if (payloadSize > 0)
        {
            // RFC 6891 §6.1.2: root name, type OPT, class = our payload size, TTL = extended rcode and flags, no options.
            response.AddRange([0, 0, OptType, 0x04, 0xD0, 0, 0, 0, 0, 0, 0]);
        }
    }

    /// <summary>The payload size of the query's OPT record (RFC 6891 §6.1.2), 0 when it has none.</summary>
    private static int OptPayloadSize(byte[] query, int p)
    {
        var additional = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(10));
        for (var i = 0; i < additional && p + 11 <= query.Length; i++)
        {
            if (query[p] != 0)
            {
                return 0; // only a root-named OPT is expected in a stub's query
            }
            var rrType = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(p + 1));
            var size = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(p + 3));
            if (rrType == OptType)
            {
                return size;
            }
            p += 11 + BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(p + 9));
        }
        return 0;
    }

    private static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        return [.. bytes];
    }

    private enum DnsRecordType : ushort { A = 1, Aaaa = 28, Srv = 33 }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_loop, _tcpLoop);
        _stop.Dispose();
    }
}
