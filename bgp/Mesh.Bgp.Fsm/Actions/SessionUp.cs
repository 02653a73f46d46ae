using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Fsm.Actions;

/// <summary>The session reached Established: send the initial table, then End-of-RIB.</summary>
public sealed record SessionUp(OpenMessage RemoteOpen, ushort HoldTime, BgpCodecContext Context) : FsmAction;
