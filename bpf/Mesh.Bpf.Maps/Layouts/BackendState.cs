namespace Mesh.Bpf.Maps.Layouts;

/// <summary>The backend's <c>flags</c> byte: Cilium's <c>BackendState*</c>. The datapath selects only active backends.</summary>
public enum BackendState : byte
{
    Active = 0,
    Terminating = 1,
    Quarantined = 2,
    Maintenance = 3,
}
