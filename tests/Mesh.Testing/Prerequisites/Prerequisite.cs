using Mesh.Bpf;
using Mesh.Bpf.Syscalls;
using Mesh.Testing.Netns;
using Mesh.Testing.Processes;

namespace Mesh.Testing.Prerequisites;

/// <summary>
/// Probes for what integration and kernel tests need. Each answers null when present, or the precise reason it is
/// missing. Probes run once per test process.
/// </summary>
public static class Prerequisite
{
    /// <summary>When set (CI does), a missing prerequisite fails the test instead of skipping it.</summary>
    public const string RequireVariable = "MESH_REQUIRE_PREREQUISITES";

    private static readonly Lazy<string?> EtcdProbe = new(ProbeEtcd);
    private static readonly Lazy<string?> NetnsProbe = new(ProbeNetns);
    private static readonly Lazy<string?> BpfProbe = new(ProbeBpf);

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    public static string? MissingEtcd => EtcdProbe.Value;

    public static string? MissingRoot => Signals.IsRoot ? null : "needs root (effective uid is not 0)";

    public static string? MissingNetns => NetnsProbe.Value;

    public static string? MissingBpf => BpfProbe.Value;

    /// <summary>Tools a test names (frr's bgpd, bird, gobgpd...): null when all are found.</summary>
    public static string? MissingExecutables(params string[] names)
    {
        var missing = names.Where(n => ProcessRunner.FindExecutable(n) is null).ToArray();
        return missing.Length == 0 ? null : $"not installed: {string.Join(", ", missing)} (./test.sh installs them)";
    }

    private static string? ProbeEtcd() =>
        MissingExecutables("etcd", "etcdctl") is { } missing ? $"etcd: {missing}" : null;

    private static string? ProbeNetns()
    {
        if (MissingRoot is { } notRoot)
        {
            return $"network namespaces {notRoot}";
        }
        if (MissingExecutables("ip") is { } noIp)
        {
            return $"network namespaces: {noIp}";
        }
        try
        {
            var probe = NetworkNamespace.CreateAsync("probe").GetAwaiter().GetResult();
            probe.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"cannot create a network namespace: {e.Message}";
        }
    }

    private static string? ProbeBpf()
    {
        try
        {
            using var map = BpfMap.Create(BpfMapType.Array, 4, 8, 1, "mesh_probe");
            // r0 = TC_ACT_OK (0); exit
            using var program = BpfProgram.Load(BpfProgramType.SchedCls, [BpfInstruction.MoveImmediate(0, 0), BpfInstruction.Exit()], "mesh_probe");
            var packet = new byte[64];
            var result = program.TestRun(packet, new byte[64]);
            return result.ReturnValue == 0 ? null : $"BPF_PROG_TEST_RUN returned {result.ReturnValue}, expected 0";
        }
        catch (BpfException e)
        {
            return $"eBPF unavailable: {e.Message}";
        }
        catch (DllNotFoundException e)
        {
            return $"eBPF unavailable: {e.Message}";
        }
    }
}
