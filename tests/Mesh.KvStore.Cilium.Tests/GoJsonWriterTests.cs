using System.Net;
using System.Text;
using Mesh.KvStore.Cilium.Codecs;
using Mesh.KvStore.Cilium.GoJson;
using Mesh.KvStore.Cilium.Values;
using Mesh.Testing;

namespace Mesh.KvStore.Cilium.Tests;

/// <summary>The reused per-thread writer and the address encoding the codecs rely on.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class GoJsonWriterTests
{
    [Fact]
    public void Reused_AfterAnEncodeThatThrewHalfWay_StartsEmpty()
    {
        var broken = GoJsonWriter.Reused().StartObject().Name("a").StartArray();
        var act = () => broken.EndObject().EndObject().EndObject();
        act.Should().Throw<InvalidOperationException>();

        var bytes = GoJsonWriter.Reused().StartObject().Name("b").Number(1L).EndObject().ToArray();

        Encoding.UTF8.GetString(bytes).Should().Be("""{"b":1}""");
    }

    [Fact]
    public void Reused_TwoEncodesInARow_ReturnIndependentArrays()
    {
        var first = GoJsonWriter.Reused().StartObject().Name("x").String("1").EndObject().ToArray();
        var second = GoJsonWriter.Reused().StartObject().Name("y").String("2").EndObject().ToArray();

        Encoding.UTF8.GetString(first).Should().Be("""{"x":"1"}""");
        Encoding.UTF8.GetString(second).Should().Be("""{"y":"2"}""");
    }

    [Fact]
    public void Reused_AfterAValueOfSeveralMegabytes_DoesNotKeepItsBuffer()
    {
        var large = GoJsonWriter.Reused();
        large.String(new string('x', 3 << 20)).ToArray();

        var next = GoJsonWriter.Reused();

        next.Should().NotBeSameAs(large);
        GoJsonWriter.Reused().Should().BeSameAs(next);
    }

    [Theory]
    [InlineData("10.244.2.74", "10.244.2.74")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("2001:db8:0:0:0:0:0:1", "2001:db8::1")]
    public void Address_AsGoPrintsIt(string address, string expected)
    {
        var bytes = GoJsonWriter.Reused().Address(IPAddress.Parse(address)).ToArray();

        Encoding.UTF8.GetString(bytes).Should().Be($"\"{expected}\"");
    }

    [Fact]
    public void IpIdentityPair_WithoutHostIp_EncodesAnEmptyString()
    {
        var pair = new IpIdentityPair { Ip = IPAddress.Parse("::ffff:10.0.0.9"), Id = 7 };

        Encoding.UTF8.GetString(IpIdentityPairCodec.Encode(pair))
            .Should().Be("""{"IP":"10.0.0.9","Mask":null,"HostIP":"","ID":7,"Key":0,"Metadata":""}""");
    }
}
