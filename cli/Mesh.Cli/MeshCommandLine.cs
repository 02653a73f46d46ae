using System.CommandLine;
using Mesh.Cli.Commands;

namespace Mesh.Cli;

/// <summary>Builds the <c>mesh</c> command tree and maps parse failures to exit code 2.</summary>
public static class MeshCommandLine
{
    /// <summary>Exit code for unknown commands, bad flags and invalid arguments.</summary>
    public const int UsageError = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("Mesh: multi-cluster networking control plane (ClusterMesh, BGP, eBPF datapath).");
        root.Subcommands.Add(VersionCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ApiserverCommand.Create());
        root.Subcommands.Add(ClusterMeshCommand.Create());
        root.Subcommands.Add(AgentCommand.Create());
        root.Subcommands.Add(Commands.Bgp.BgpCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        // Without a command there is nothing to do: show the commands and report a usage error.
        root.SetAction(parse =>
        {
            new System.CommandLine.Help.HelpAction().Invoke(parse);
            return UsageError;
        });
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        var root = Build();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"mesh: {parseError.Message}");
            }
            await error.WriteLineAsync("Run 'mesh --help' for usage.");
            return UsageError;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
