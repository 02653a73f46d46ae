using Mesh.Bgp.Fsm.Timers;

namespace Mesh.Bgp.Fsm.Actions;

public sealed record StopTimer(FsmTimer Timer) : FsmAction;
