using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Benchmarks.Bgp;

/// <summary>
/// One persistent connection to bgpd's vty unix socket (vtysh's protocol: the command and a NUL; the reply ends with
/// three NULs and a status byte), so polling FRR costs no process per query.
/// </summary>
internal sealed class FrrVty : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly byte[] _buffer = new byte[1 << 20];

    public FrrVty(string path) => _socket.Connect(new UnixDomainSocketEndPoint(path));

    public string Command(string command)
    {
        _socket.Send(Encoding.ASCII.GetBytes(command + "\0"));
        var reply = new MemoryStream();
        while (true)
        {
            var read = _socket.Receive(_buffer);
            if (read == 0)
            {
                throw new IOException("bgpd closed the vty");
            }

            reply.Write(_buffer, 0, read);
            var bytes = reply.GetBuffer();
            var length = (int)reply.Length;
            if (length >= 4 && bytes[length - 4] == 0 && bytes[length - 3] == 0 && bytes[length - 2] == 0)
            {
                return Encoding.UTF8.GetString(bytes, 0, length - 4);
            }
        }
    }

    public JsonNode Json(string command) => JsonNode.Parse(Command(command)) ?? throw new InvalidOperationException($"'{command}' returned nothing");

    /// <summary>(state, prefixes received) of one IPv4 neighbor.</summary>
    public (string State, int Received) Neighbor(string address)
    {
        var peer = Json("show bgp ipv4 unicast summary json")["peers"]?[address];
        return peer is null ? ("absent", 0) : (peer["state"]?.GetValue<string>() ?? "?", peer["pfxRcd"]?.GetValue<int>() ?? 0);
    }

    public long UpdatesReceived(string address) =>
        Json($"show bgp neighbors {address} json")[address]?["messageStats"]?["updatesRecv"]?.GetValue<long>() ?? 0;

    /// <summary>bgpd's RIB entries of the IPv4 unicast table (0 once every withdrawal has been processed).</summary>
    public long RibCount() => Json("show bgp ipv4 unicast summary json")["ribCount"]?.GetValue<long>() ?? 0;

    /// <summary>On zebra's vty: its BGP routes (RIB), 0 once the kernel routes of withdrawn prefixes are gone too.</summary>
    public long ZebraBgpRoutes()
    {
        var total = 0L;
        foreach (var line in Command("show ip route summary").Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && fields[0] is "bgp" or "ebgp" or "ibgp" && long.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture, out var routes))
            {
                total += routes;
            }
        }
        return total;
    }

    public void Dispose() => _socket.Dispose();
}
