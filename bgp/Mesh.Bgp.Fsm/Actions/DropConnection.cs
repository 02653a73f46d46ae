namespace Mesh.Bgp.Fsm.Actions;

/// <summary>Close the connection (after flushing anything queued, e.g. a NOTIFICATION) and abort a pending connect.</summary>
public sealed record DropConnection : FsmAction
{
    public static DropConnection Instance { get; } = new();
}
