namespace Mesh.Bgp.Fsm.Actions;

/// <summary>An Established session ended: forget the peer's routes and the Adj-RIB-Out.</summary>
public sealed record SessionDown(string Reason) : FsmAction;
