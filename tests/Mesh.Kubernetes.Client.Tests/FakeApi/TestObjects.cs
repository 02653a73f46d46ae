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
}
