using System.CommandLine;
using Mesh.Cli.Demo;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh demo</c>: several clusters in one process on the embedded kvstore.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var examples = new Option<string>("--examples") { Description = "Directory with one sub-directory of manifests per cluster.", DefaultValueFactory = _ => LocateExamples() };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for every cluster to sync.", DefaultValueFactory = _ => 30 };
        var follow = new Option<bool>("--follow") { Description = "Keep running and follow manifest changes until Ctrl+C." };
        var verbose = new Option<bool>("--verbose") { Description = "Show component logs." };
        var command = new Command("demo", "Run several clusters in one process on the embedded kvstore, meshed through KVStoreMesh, and show what each sees.")
        {
            examples, timeout, follow, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds <= 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("mesh demo: --timeout must be a positive number of seconds");
                return MeshCommandLine.UsageError;
            }
            using var loggers = LoggerFactory.Create(builder =>
            {
                builder.AddSimpleConsole(o => o.SingleLine = true);
                builder.SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Error);
            });
            return await MeshDemo.RunAsync(parse.GetValue(examples)!, parse.InvocationConfiguration.Output, TimeSpan.FromSeconds(seconds), parse.GetValue(follow), loggers, cancellationToken);
        });
        return command;
    }

    /// <summary>examples/ of the repository the command runs in (current directory or above).</summary>
    private static string LocateExamples()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "examples");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return Path.Combine(Directory.GetCurrentDirectory(), "examples");
    }
}
