using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Speaker.Transport;

/// <summary>Where a connection's read loop reports; implementations post into the speaker loop.</summary>
internal interface IConnectionEvents
{
    void OnMessage(BgpConnection connection, BgpMessage message, BgpDecodeError? error);

    void OnDecodeError(BgpConnection connection, BgpDecodeError error);

    void OnClosed(BgpConnection connection, Exception? error);
}
