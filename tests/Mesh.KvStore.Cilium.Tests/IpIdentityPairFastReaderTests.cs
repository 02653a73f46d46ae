using System.Net;
using System.Text;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.Values;
using Mesh.Testing;

namespace Mesh.KvStore.Cilium.Tests;

/// <summary>The single-pass ipcache reader must answer exactly what Go's rules answer, or step aside.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class IpIdentityPairFastReaderTests
{
    public static TheoryData<string> Variants => new()
    {
        """{"IP":"10.0.0.1","Mask":null,"HostIP":"192.168.1.1","ID":65600,"Key":0,"Metadata":"","K8sNamespace":"demo","K8sPodName":"echo-0"}""",
        """{"IP":"10.0.0.0","Mask":"//8AAA==","HostIP":"","ID":2,"Key":3,"Metadata":"m"}""",
        """{"IP":"fd00::1","Mask":null,"HostIP":"fd00::100","ID":131200,"Key":0,"Metadata":"","NamedPorts":[{"Name":"http","Port":8080,"Protocol":"TCP"},{"Name":"dns","Port":53,"Protocol":"UDP"}]}""",
        """{"IP":"10.0.0.1","NamedPorts":[]}""",
        """{"IP":"10.0.0.1","NamedPorts":null}""",
        """{"ip":"10.0.0.1","id":7}""",
        """{"IP":"10.0.0.1","ID":1,"ID":9}""",
        """{"IP":"10.0.0.1","Unknown":{"nested":[1,2]},"ID":5}""",
        """{"IP":"10.0.0.1","Metadata":null,"K8sPodName":null,"ID":null}""",
        """{"IP":"10.0.0.1","ID":1.0}""",
        """{"IP":"10.0.0.1","ID":-1}""",
        """{"IP":"10.0.0.1","Key":256}""",
        """{"IP":"10.0.0.1","Mask":"!!"}""",
        """{"IP":"10.0.0.1","Mask":"/wD/AA=="}""",
        """{"IP":"10.0.0.1","Mask":5}""",
        """{"IP":"10.0.0.300"}""",
        """{"IP":7}""",
        """{"IP":"10.0.0.1","NamedPorts":[null]}""",
        """{"IP":"10.0.0.1","NamedPorts":[{"Name":"x","Port":70000}]}""",
        """{"IP":"10.0.0.1","NamedPorts":[{"name":"x","port":80,"protocol":"TCP"}]}""",
        """{"IP":"10.0.0.1"} trailing""",
        """{"IP":"10.0.0.1",}""",
        "[]",
        "",
        "{",
        "{}",
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void TryDecode_Variant_SameAsGoRules(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var fast = IpIdentityPairCodec.TryDecode(bytes);
        var full = IpIdentityPairCodec.TryDecodeWithGoRules(bytes);

        fast.Ok.Should().Be(full.Ok);
        fast.Error.Should().Be(full.Error);
        fast.Value.Should().Be(full.Value);
    }

    [Fact]
    public void TryRead_EncodedPairs_ReadInOnePassAndRoundTrip()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var pair = new IpIdentityPair
            {
                Ip = new IPAddress([10, (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)]),
                PrefixLength = random.Next(3) == 0 ? random.Next(8, 33) : null,
                HostIp = random.Next(2) == 0 ? new IPAddress([192, 168, 0, (byte)random.Next(256)]) : null,
                Id = (uint)random.Next(),
                Key = (byte)random.Next(256),
                K8sNamespace = random.Next(2) == 0 ? "ns" : string.Empty,
                K8sPodName = $"pod-{i}",
                NamedPorts = random.Next(2) == 0 ? [new NamedPort("http", (ushort)random.Next(65536), "TCP")] : null,
            };
            if (pair.PrefixLength is { } length)
            {
                pair = pair with { Ip = IPNetwork.Parse($"{pair.Ip}/{length}").BaseAddress };
            }
            var bytes = IpIdentityPairCodec.Encode(pair);

            IpIdentityPairFastReader.TryRead(bytes).Should().NotBeNull("Cilium's own encoding takes the fast path")
                .And.Be(IpIdentityPairCodec.TryDecodeWithGoRules(bytes).Value);
        }
    }
}
