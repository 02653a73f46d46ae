using Mesh.KvStore.Cilium.GoJson;
using Mesh.KvStore.Cilium.Values;

namespace Mesh.KvStore.Cilium.Codecs;

/// <summary>JSON of <see cref="CiliumClusterConfig"/>: omitempty everywhere except serviceExportsEnabled, a *bool kept when false.</summary>
public static class CiliumClusterConfigCodec
{
    public static byte[] Encode(CiliumClusterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var w = GoJsonWriter.Reused().StartObject();
        if (config.Id != 0)
        {
            w.Name("id").Number(config.Id);
        }
        var c = config.Capabilities;
        w.Name("capabilities").StartObject();
        if (c.SyncedCanaries)
        {
            w.Name("syncedCanaries").Bool(true);
        }
        if (c.Cached)
        {
            w.Name("cached").Bool(true);
        }
        if (c.MaxConnectedClusters != 0)
        {
            w.Name("maxConnectedClusters").Number(c.MaxConnectedClusters);
        }
        if (c.ServiceExportsEnabled is { } exports)
        {
            w.Name("serviceExportsEnabled").Bool(exports);
        }
        if (c.EndpointSlicesExportMode.Length > 0)
        {
            w.Name("endpointSlicesExportMode").String(c.EndpointSlicesExportMode);
        }
        return w.EndObject().EndObject().ToArray();
    }

    public static Decoded<CiliumClusterConfig> TryDecode(ReadOnlyMemory<byte> value) => CodecRunner.Run(value, Read);

    private static CiliumClusterConfig Read(GoJsonObject o)
    {
        var c = o.Object("capabilities");
        var capabilities = c is { } caps
            ? new ClusterCapabilities
            {
                SyncedCanaries = caps.Bool("syncedCanaries"),
                Cached = caps.Bool("cached"),
                MaxConnectedClusters = (uint)caps.Unsigned("maxConnectedClusters", uint.MaxValue),
                ServiceExportsEnabled = caps.OptionalBool("serviceExportsEnabled"),
                EndpointSlicesExportMode = caps.String("endpointSlicesExportMode"),
            }
            : new ClusterCapabilities();
        return new CiliumClusterConfig((uint)o.Unsigned("id", uint.MaxValue), capabilities);
    }
}
