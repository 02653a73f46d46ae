namespace Mesh.KvStore.Cilium.Values;

/// <summary>A port and its protocol (TCP, UDP, SCTP, ANY, NONE), as Go's loadbalancer.L4Addr.</summary>
public sealed record L4Address(string Protocol, ushort Port);
