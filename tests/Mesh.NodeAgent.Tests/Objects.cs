using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;

namespace Mesh.NodeAgent.Tests;

/// <summary>Kubernetes objects for scenarios, written as the YAML a user would apply.</summary>
internal static class Objects
{
    public static T Read<T>(string yaml)
        where T : class, IKubeObject => (T)KubeObjectReader.Read(YamlDocuments.Parse(yaml).Single())!;

    /// <summary>A ClusterIP service on port 80 (name http) with clustermesh annotations.</summary>
    public static KubeService Service(string name, string clusterIp, bool global = true, string? shared = null, string? affinity = null, string ns = "default")
    {
        var annotations = new List<string>();
        if (global)
        {
            annotations.Add("service.cilium.io/global: \"true\"");
        }
        if (shared is not null)
        {
            annotations.Add($"service.cilium.io/shared: \"{shared}\"");
        }
        if (affinity is not null)
        {
            annotations.Add($"service.cilium.io/affinity: \"{affinity}\"");
        }
        var block = annotations.Count == 0 ? "{}" : "\n" + string.Join("\n", annotations.Select(a => "    " + a));
        return Read<KubeService>($"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
              namespace: {ns}
              annotations: {block}
            spec:
              type: ClusterIP
              clusterIP: {clusterIp}
              clusterIPs: [{clusterIp}]
              ports:
              - name: http
                port: 80
                protocol: TCP
                targetPort: 8080
            """);
    }

    /// <summary>An EndpointSlice of <paramref name="service"/> with port http/8080; each endpoint (ip, ready, node).</summary>
    public static EndpointSlice Slice(string name, string service, params (string Ip, bool Ready, string Node)[] endpoints) =>
        SliceWithConditions(name, service, [.. endpoints.Select(e => (e.Ip, e.Ready, e.Ready, false, e.Node))]);

    public static EndpointSlice SliceWithConditions(string name, string service, (string Ip, bool Ready, bool Serving, bool Terminating, string Node)[] endpoints, string ns = "default")
    {
        var items = string.Join("\n", endpoints.Select(e => $"""
            - addresses: [{e.Ip}]
              conditions: {"{"}ready: {Bool(e.Ready)}, serving: {Bool(e.Serving)}, terminating: {Bool(e.Terminating)}{"}"}
              nodeName: {e.Node}
            """));
        return Read<EndpointSlice>($"""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: {name}
              namespace: {ns}
              labels:
                kubernetes.io/service-name: {service}
            addressType: IPv4
            ports:
            - name: http
              port: 8080
              protocol: TCP
            endpoints: {(endpoints.Length == 0 ? "[]" : "\n" + items)}
            """);
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
