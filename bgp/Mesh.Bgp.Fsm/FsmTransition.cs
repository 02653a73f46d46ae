using Mesh.Bgp.Fsm.Actions;

namespace Mesh.Bgp.Fsm;

public sealed record FsmTransition(FsmState Next, IReadOnlyList<FsmAction> Actions);
