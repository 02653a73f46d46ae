using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Fsm.Actions;

/// <summary>Hand a received UPDATE to the Adj-RIB-In.</summary>
public sealed record DeliverUpdate(UpdateMessage Update) : FsmAction;
