using System.Net;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Fsm;
using Mesh.Bgp.Fsm.Events;
using Microsoft.Extensions.Logging;

namespace Mesh.Bgp.Speaker;

public sealed partial class BgpSpeaker
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "BGP speaker listening on {EndPoints}")]
    private static partial void LogStarted(ILogger logger, IReadOnlyList<IPEndPoint> endPoints);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Peer {Peer}: {From} -> {To} on {Event}")]
    private static partial void LogStateChanged(ILogger logger, IPAddress peer, SessionState from, SessionState to, FsmEventType @event);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Peer {Peer} established: hold time {HoldTime} s, families {Families}, initial table {Routes} routes in {Updates} UPDATEs")]
    private static partial void LogEstablished(ILogger logger, IPAddress peer, ushort holdTime, IReadOnlyList<AfiSafi> families, int routes, int updates);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Peer {Peer} down: {Reason}")]
    private static partial void LogSessionDown(ILogger logger, IPAddress peer, string reason);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Peer {Peer} sent {Notification}")]
    private static partial void LogNotificationReceived(ILogger logger, IPAddress peer, NotificationMessage notification);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Sending {Notification} to peer {Peer}")]
    private static partial void LogNotificationSent(ILogger logger, IPAddress peer, NotificationMessage notification);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Debug, Message = "Connect to peer {Peer} port {Port} failed: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, IPAddress peer, int port, string error);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Debug, Message = "Refused connection from {Remote}: session is {State}")]
    private static partial void LogInboundRejected(ILogger logger, IPAddress remote, SessionState state);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Debug, Message = "Refused connection from {Remote}: not a configured peer")]
    private static partial void LogInboundUnknown(ILogger logger, IPAddress remote);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "Connection collision with peer {Peer}: keeping {Kept} connection")]
    private static partial void LogCollision(ILogger logger, IPAddress peer, string kept);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Warning, Message = "Peer {Peer}: malformed UPDATE handled per RFC 7606: {Error}")]
    private static partial void LogUpdateError(ILogger logger, IPAddress peer, BgpDecodeError error);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Error, Message = "BGP speaker loop step failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning, Message = "Peer {Peer}: message rejected: {Error}")]
    private static partial void LogDecodeError(ILogger logger, IPAddress peer, BgpDecodeError error);

    [LoggerMessage(EventId = 4150, Level = LogLevel.Information, Message = "Peer {Peer} went down gracefully: keeping {Routes} routes as stale for up to {Seconds} s (graceful restart helper)")]
    private static partial void LogHelperRetains(ILogger logger, IPAddress peer, int routes, int seconds);

    [LoggerMessage(EventId = 4151, Level = LogLevel.Information, Message = "Peer {Peer}: {Routes} stale routes removed ({Reason})")]
    private static partial void LogStaleRemoved(ILogger logger, IPAddress peer, int routes, string reason);
}
