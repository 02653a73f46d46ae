namespace Mesh.Policy;

/// <summary>Policy direction, with the values of the map key's egress bit.</summary>
public enum TrafficDirection : byte
{
    Ingress = 0,
    Egress = 1,
}
