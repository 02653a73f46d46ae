using Mesh.Grpc.Status;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Status;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("etcdserver:%20permission%20denied", "etcdserver: permission denied")]
    [InlineData("%E2%9C%93 done", "✓ done")]
    [InlineData("100%25", "100%")]
    [InlineData("bad %zz escape", "bad %zz escape")]
    [InlineData("cut %4", "cut %4")]
    [InlineData("%ff", "\uFFFD")]
    public void Decode_Value_ReturnsText(string encoded, string expected) =>
        PercentEncoding.Decode(encoded).Should().Be(expected);

    [Theory]
    [InlineData("a b", "a b")]
    [InlineData("100%", "100%25")]
    [InlineData("✓\n", "%E2%9C%93%0A")]
    public void Encode_Value_EscapesOutsidePrintableAscii(string text, string expected) =>
        PercentEncoding.Encode(text).Should().Be(expected);

    [Theory]
    [InlineData("grüße, 100% ✓\t")]
    [InlineData("")]
    public void Encode_ThenDecode_RoundTrips(string text) =>
        PercentEncoding.Decode(PercentEncoding.Encode(text)).Should().Be(text);
}
