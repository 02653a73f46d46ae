namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>Backend state with the values the datapath stores in the backend's flags byte.</summary>
public enum BackendState : byte
{
    Active = 0,
    Terminating = 1,
    Quarantined = 2,
    Maintenance = 3,
}
