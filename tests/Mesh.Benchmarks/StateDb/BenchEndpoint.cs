namespace Mesh.Benchmarks.StateDb;

/// <summary>An endpoint row shaped like the node agent's: name key, node and IP indexes.</summary>
public sealed record BenchEndpoint(string Name, string Node, string Ip, int Port)
{
    public static BenchEndpoint Create(int i, int port) =>
        new($"default/pod-{i:D7}", $"node-{i % 1000:D4}", $"10.{(i >> 16) & 0xff}.{(i >> 8) & 0xff}.{i & 0xff}", port);
}
