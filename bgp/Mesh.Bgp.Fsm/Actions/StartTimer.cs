using Mesh.Bgp.Fsm.Timers;

namespace Mesh.Bgp.Fsm.Actions;

/// <summary>(Re)starts <paramref name="Timer"/>; a running instance is replaced.</summary>
public sealed record StartTimer(FsmTimer Timer, TimeSpan Duration) : FsmAction;
