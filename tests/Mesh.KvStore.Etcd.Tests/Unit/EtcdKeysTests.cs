using System.Text;
using Mesh.Testing;

namespace Mesh.KvStore.Etcd.Tests.Unit;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class EtcdKeysTests
{
    [Theory]
    [InlineData(new byte[] { 0x61 }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x61, 0xFF }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x61, 0x2F }, new byte[] { 0x61, 0x30 })]
    [InlineData(new byte[] { 0xFF, 0xFF }, new byte[] { 0x00 })]
    [InlineData(new byte[0], new byte[] { 0x00 })]
    public void PrefixEnd_Bytes_IncrementsLastNonMaxByte(byte[] prefix, byte[] expected) =>
        EtcdKeys.PrefixEnd(prefix).Should().Equal(expected);

    [Fact]
    public void PrefixEnd_CiliumPrefix_IsSlashSuccessor() =>
        Encoding.UTF8.GetString(EtcdKeys.PrefixEnd("cilium/state/nodes/v1/"u8)).Should().Be("cilium/state/nodes/v10");
}
