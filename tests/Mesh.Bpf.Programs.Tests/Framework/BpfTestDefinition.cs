namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>One C test: its object and the function names of its pktgen, setup and check programs.</summary>
public sealed record BpfTestDefinition(string ObjectPath, string Name, string? Pktgen, string? Setup, string Check);
