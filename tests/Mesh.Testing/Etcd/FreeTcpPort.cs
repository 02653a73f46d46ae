using System.Net;
using System.Net.Sockets;

namespace Mesh.Testing.Etcd;

/// <summary>Picks loopback ports the kernel reports free right now.</summary>
public static class FreeTcpPort
{
    public static int Allocate()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
