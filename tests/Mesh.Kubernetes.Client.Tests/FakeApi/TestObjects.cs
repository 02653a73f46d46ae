using System.Text.Json.Nodes;

namespace Mesh.Kubernetes.Client.Tests.FakeApi;

/// <summary>Minimal API objects for the fake server.</summary>
internal static class TestObjects
{
    public static JsonObject Namespace(string name, string? label = null) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = label is null ? new JsonObject() : new JsonObject { ["version"] = label },
        },
    };

    public static JsonObject Identity(string id, string app) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = id },
        ["security-labels"] = new JsonObject { ["k8s:app"] = app },
    };

    public static JsonObject Service(string ns, string name, int port) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["clusterIP"] = "10.96.0.10",
            ["ports"] = new JsonArray(new JsonObject { ["port"] = port, ["protocol"] = "TCP" }),
        },
    };

    public static JsonObject Endpoint(string ns, string name, long identity, string ip) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["status"] = new JsonObject
        {
            ["identity"] = new JsonObject { ["id"] = identity },
            ["networking"] = new JsonObject
            {
                ["node"] = "10.0.0.1",
                ["addressing"] = new JsonArray(new JsonObject { ["ipv4"] = ip }),
            },
        },
    };

    public static JsonObject Node(string name, string ip) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["ip"] = ip }),
        },
    };

    public static JsonObject Slice(string ns, string name, string ip) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["addressType"] = "IPv4",
        ["endpoints"] = new JsonArray(new JsonObject { ["addresses"] = new JsonArray(ip) }),
        ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }),
    };

    public static JsonObject Export(string ns, string name) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
    };

    /// <summary>A CNP (or, without a namespace, a CCNP) selecting app=web, allowing app=client on TCP 80.</summary>
    public static JsonObject CiliumPolicy(string? ns, string name) => new()
    {
        ["metadata"] = ns is null ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["endpointSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
            ["ingress"] = new JsonArray(new JsonObject
            {
                ["fromEndpoints"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "client" } }),
                ["toPorts"] = new JsonArray(new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = "80", ["protocol"] = "TCP" }) }),
            }),
        },
    };

    /// <summary>A NetworkPolicy selecting every pod of its namespace with no ingress rule: deny all ingress.</summary>
    public static JsonObject NetworkPolicy(string ns, string name) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress") },
    };

    public static JsonObject BgpPeerConfig(string name) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["timers"] = new JsonObject { ["holdTimeSeconds"] = 9 } },
    };

    public static JsonObject Secret(string ns, string name) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject { ["password"] = "c2VjcmV0" },
    };
}
