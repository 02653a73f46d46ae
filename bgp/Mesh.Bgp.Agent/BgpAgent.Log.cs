using Microsoft.Extensions.Logging;

namespace Mesh.Bgp.Agent;

public sealed partial class BgpAgent
{
    [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "BGP speaker for node {Node} started (listening on ports: {Ports})")]
    private static partial void LogSpeakerStarted(ILogger logger, string node, IReadOnlyList<int> ports);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "BGP config applied: added [{Added}] reset [{Reset}] removed [{Removed}] routes updated [{Routes}]")]
    private static partial void LogReconciled(ILogger logger, IReadOnlyList<string> added, IReadOnlyList<string> reset, IReadOnlyList<string> removed, IReadOnlyList<string> routes);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "BGP config error (affected peers keep running as they are): {Issue}")]
    private static partial void LogConfigError(ILogger logger, string issue);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "BGP config warning: {Issue}")]
    private static partial void LogConfigWarning(ILogger logger, string issue);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Error, Message = "The object source failed")]
    private static partial void LogSourceFailed(ILogger logger, Exception exception);
}
