using Microsoft.Extensions.Logging;

namespace Mesh.NodeAgent.Host.Programs;

internal sealed partial class EndpointDatapathManager
{
    [LoggerMessage(EventId = 6400, Level = LogLevel.Information, Message = "Endpoint {Endpoint}: datapath attached to {Interface} (index {Index}, endpoint id {EndpointId}, programs {Ingress}/{Egress})")]
    private partial void LogAttached(string endpoint, string @interface, int index, ushort endpointId, uint ingress, uint egress);

    [LoggerMessage(EventId = 6401, Level = LogLevel.Warning, Message = "Endpoint {Endpoint}: attaching to {Interface} failed ({Failures} times), retrying in {Delay}: {Error}")]
    private partial void LogAttachFailed(string endpoint, string @interface, int failures, TimeSpan delay, string error);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Information, Message = "Endpoint {Endpoint}: datapath detached from {Interface}")]
    private partial void LogDetached(string endpoint, string @interface);

    [LoggerMessage(EventId = 6403, Level = LogLevel.Warning, Message = "Endpoint {Endpoint}: detaching from {Interface} failed: {Error}")]
    private partial void LogDetachFailed(string endpoint, string @interface, string error);

    [LoggerMessage(EventId = 6404, Level = LogLevel.Warning, Message = "Endpoint {Endpoint} is not attached: {Problem}")]
    private partial void LogUnusable(string endpoint, string problem);
}
