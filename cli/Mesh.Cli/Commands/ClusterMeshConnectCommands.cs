using System.CommandLine;
using System.Net;
using Mesh.ClusterMesh.Config;
using Mesh.KvStore.Cilium.Validation;

namespace Mesh.Cli.Commands;

/// <summary>
/// <c>mesh clustermesh connect|disconnect</c>: add or remove one remote cluster in a cluster's clustermesh config
/// directory (the files its apiservers and agents follow live). Run it in both directories for a two-way connection.
/// </summary>
internal static class ClusterMeshConnectCommands
{
    public static Command Connect()
    {
        var directory = new Option<string>("--config-dir") { Description = "The clustermesh config directory of the cluster that connects (its apiservers' and agents' --clustermesh-config).", Required = true };
        var remote = new Option<string>("--remote") { Description = "Name of the remote cluster (the file's name).", Required = true };
        var endpoints = new Option<string>("--endpoints") { Description = "Comma-separated etcd URLs of the remote's clustermesh-apiserver.", Required = true };
        var ca = new Option<string?>("--tls-ca") { Description = "CA bundle that signed the remote etcd's server certificate." };
        var cert = new Option<string?>("--tls-cert") { Description = "Client certificate (the remote's remote-<cluster> user)." };
        var key = new Option<string?>("--tls-key") { Description = "Key of --tls-cert." };
        var aliases = new Option<string[]>("--host-alias") { Description = "HOST=IP[,IP...]: dial HOST at these IPs while TLS still checks HOST (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("connect", "Connect a cluster to a remote one: write the remote's etcd client config into the cluster's clustermesh config directory.")
        {
            directory, remote, endpoints, ca, cert, key, aliases,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            var name = parse.GetValue(remote)!;
            if (ClusterLimits.CheckClusterName(name, clusterId: 1) is { } rejection)
            {
                problems.Add($"--remote: {rejection.Detail}");
            }
            var urls = parse.GetValue(endpoints)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var hostAliases = new List<HostAlias>();
            foreach (var text in parse.GetValue(aliases) ?? [])
            {
                if (ParseAlias(text) is { } alias)
                {
                    hostAliases.Add(alias);
                }
                else
                {
                    problems.Add($"--host-alias '{text}' is not HOST=IP[,IP...]");
                }
            }
            if (problems.Count == 0)
            {
                var yaml = RemoteClusterConfigFile.Render(urls, parse.GetValue(ca), parse.GetValue(cert), parse.GetValue(key), hostAliases);
                if (RemoteClusterConfigFile.Write(parse.GetValue(directory)!, name, yaml) is { } problem)
                {
                    problems.Add(problem);
                }
            }
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync($"mesh clustermesh connect: {problem}");
                }
                return MeshCommandLine.UsageError;
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"connected to {name} at {string.Join(", ", urls)}: {Path.Combine(parse.GetValue(directory)!, name)} (apiservers and agents following this directory pick it up)");
            return 0;
        });
        return command;
    }

    public static Command Disconnect()
    {
        var directory = new Option<string>("--config-dir") { Description = "The clustermesh config directory of the cluster that disconnects.", Required = true };
        var remote = new Option<string>("--remote") { Description = "Name of the remote cluster to disconnect from.", Required = true };
        var command = new Command("disconnect", "Disconnect a cluster from a remote one: remove the remote's config (its cached state is drained).") { directory, remote };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(directory)!;
            var name = parse.GetValue(remote)!;
            if (!Directory.Exists(path))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"mesh clustermesh disconnect: --config-dir '{path}' does not exist");
                return MeshCommandLine.UsageError;
            }
            if (!RemoteClusterConfigFile.Remove(path, name))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"mesh clustermesh disconnect: {path} has no config for cluster '{name}'");
                return 1;
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"disconnected from {name}: removed {Path.Combine(path, name)}");
            return 0;
        });
        return command;
    }

    private static HostAlias? ParseAlias(string text)
    {
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0)
        {
            return null;
        }
        var ips = new List<IPAddress>();
        foreach (var ip in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPAddress.TryParse(ip, out var address))
            {
                return null;
            }
            ips.Add(address);
        }
        return ips.Count == 0 ? null : new HostAlias(parts[0], ips);
    }
}
