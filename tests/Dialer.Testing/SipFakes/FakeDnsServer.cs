using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dialer.Sip.Dns;

namespace Dialer.Testing;

/// <summary>A DNS server on loopback answering from a table; answers point back at the question with compression.</summary>
public sealed class FakeDnsServer : IAsyncDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<(string, DnsRecordType), List<(uint Ttl, byte[] Data)>> _records = [];
    private readonly Task _loop;
    private int _queries;

    public FakeDnsServer()
    {
        _loop = Task.Run(ServeAsync);
    }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.Client.LocalEndPoint!;
    public int Queries => Volatile.Read(ref _queries);
    public bool Silent { get; set; }

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
                await _socket.SendAsync(Answer(request.Buffer), request.RemoteEndPoint);
            }
        }
    }

    private byte[] Answer(byte[] query)
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
        List<(uint Ttl, byte[] Data)> answers;
        lock (_records)
        {
            answers = _records.TryGetValue((string.Join('.', labels).ToLowerInvariant(), type), out var found) ? [.. found] : [];
        }
        var response = new List<byte>(query.AsSpan(0, questionEnd).ToArray());
        response[2] = 0x81;
        response[3] = (byte)(answers.Count == 0 ? 0x83 : 0x80); // RA, and NXDOMAIN when empty
        response[6] = 0;
        response[7] = (byte)answers.Count;
        foreach (var (ttl, data) in answers)
        {
            response.AddRange([0xC0, 0x0C, 0, (byte)type, 0, 1, (byte)(ttl >> 24), (byte)(ttl >> 16), (byte)(ttl >> 8), (byte)ttl, (byte)(data.Length >> 8), (byte)data.Length]);
            response.AddRange(data);
        }
        return [.. response];
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
