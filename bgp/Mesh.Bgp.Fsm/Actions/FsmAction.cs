namespace Mesh.Bgp.Fsm.Actions;

/// <summary>Something the adapter must do after a transition; actions are applied in list order.</summary>
public abstract record FsmAction;
