using System.CommandLine;
using System.Reflection;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh version</c>: product version and the commit it was built from.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version and the commit this build came from.");
        command.SetAction(parse =>
        {
            var (version, commit) = Describe(typeof(VersionCommand).Assembly);
            parse.InvocationConfiguration.Output.WriteLine($"mesh {version} (commit {commit})");
            return 0;
        });
        return command;
    }

    /// <summary>Splits "0.1.0+abcdef" (informational version with source revision) into its parts.</summary>
    internal static (string Version, string Commit) Describe(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? (informational, "unknown") : (informational[..plus], informational[(plus + 1)..]);
    }
}
