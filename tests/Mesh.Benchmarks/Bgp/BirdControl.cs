using System.Net.Sockets;
using System.Text;

namespace Mesh.Benchmarks.Bgp;

/// <summary>BIRD's control socket without birdc: a command line, then reply lines until one whose code is followed by a space.</summary>
internal sealed class BirdControl : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    public BirdControl(string path)
    {
        _socket.Connect(new UnixDomainSocketEndPoint(path));
        _stream = new NetworkStream(_socket);
        _reader = new StreamReader(_stream, Encoding.ASCII);
        ReadReply();
    }

    public string Command(string command)
    {
        _stream.Write(Encoding.ASCII.GetBytes(command + "\n"));
        return ReadReply();
    }

    private string ReadReply()
    {
        var text = new StringBuilder();
        while (_reader.ReadLine() is { } line)
        {
            text.AppendLine(line);
            if (line.Length >= 5 && char.IsAsciiDigit(line[0]) && char.IsAsciiDigit(line[3]) && line[4] == ' ')
            {
                break;
            }
        }

        return text.ToString();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
        _socket.Dispose();
    }
}
