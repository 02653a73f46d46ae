using System.Net;

namespace Mesh.KvStore.Cilium.Values;

/// <summary>One address of a node; Type is InternalIP, ExternalIP or CiliumInternalIP.</summary>
public sealed record NodeAddress(string Type, IPAddress? Ip);
