using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Fsm.Actions;

public sealed record SendMessage(BgpMessage Message) : FsmAction;
