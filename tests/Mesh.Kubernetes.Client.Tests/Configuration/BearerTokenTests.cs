using Mesh.Kubernetes.Client.Http;
using Mesh.Testing;
using Mesh.Testing.Time;

namespace Mesh.Kubernetes.Client.Tests.Configuration;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class BearerTokenTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-token-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Current_TokenFileRewritten_ReturnsNewToken()
    {
        var path = Path.Combine(_directory, "token");
        File.WriteAllText(path, "first\n");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var token = new BearerToken("static", path, new FakeClock());
        token.Current().Should().Be("first");

        File.WriteAllText(path, "second");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 1, 0, DateTimeKind.Utc));

        token.Current().Should().Be("second");
    }

    [Fact]
    public void Current_FileUnchangedForAMinute_RereadsAnyway()
    {
        var path = Path.Combine(_directory, "token");
        var stamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.WriteAllText(path, "first");
        File.SetLastWriteTimeUtc(path, stamp);
        var clock = new FakeClock();
        var token = new BearerToken(null, path, clock);
        token.Current().Should().Be("first");
        File.WriteAllText(path, "second");
        File.SetLastWriteTimeUtc(path, stamp);

        token.Current().Should().Be("first");
        clock.Advance(TimeSpan.FromMinutes(1));
        token.Current().Should().Be("second");
    }

    [Fact]
    public void Current_FileRemovedAfterRead_KeepsLastGoodToken()
    {
        var path = Path.Combine(_directory, "token");
        File.WriteAllText(path, "first");
        var clock = new FakeClock();
        var token = new BearerToken(null, path, clock);
        token.Current().Should().Be("first");

        File.Delete(path);
        clock.Advance(TimeSpan.FromMinutes(2));

        token.Current().Should().Be("first");
    }

    [Fact]
    public void Current_OnlyStaticToken_ReturnsIt()
    {
        new BearerToken("static", null, new FakeClock()).Current().Should().Be("static");
        new BearerToken(null, null, new FakeClock()).IsConfigured.Should().BeFalse();
    }
}
