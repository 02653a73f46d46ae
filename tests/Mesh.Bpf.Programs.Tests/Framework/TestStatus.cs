namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>Statuses a CHECK program reports (Cilium's trf.proto values).</summary>
public enum TestStatus
{
    Unknown = 0,
    Error = 100,
    Pass = 101,
    Fail = 102,
    Skip = 103,
}
