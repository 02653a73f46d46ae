using Mesh.Testing.Etcd;

namespace Mesh.Benchmarks;

/// <summary>CPU seconds of this process (the client) and of the etcd it writes to; a difference of two readings is what one run spent.</summary>
internal readonly record struct EtcdCpu(double ClientSeconds, double EtcdSeconds)
{
    public static EtcdCpu Now(EtcdFixture etcd) => new(
        Environment.CpuUsage.TotalTime.TotalSeconds,
        ProcessStats.CpuSeconds(etcd.ProcessId ?? throw new InvalidOperationException("etcd is not running")));

    public static EtcdCpu operator -(EtcdCpu after, EtcdCpu before) =>
        new(after.ClientSeconds - before.ClientSeconds, after.EtcdSeconds - before.EtcdSeconds);

    public double ClientMicrosPerKey(int keys) => ClientSeconds * 1e6 / keys;

    public double EtcdMicrosPerKey(int keys) => EtcdSeconds * 1e6 / keys;
}
