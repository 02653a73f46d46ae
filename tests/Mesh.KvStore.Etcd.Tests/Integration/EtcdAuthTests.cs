using Mesh.Grpc;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using static Mesh.KvStore.Etcd.Tests.Integration.EtcdTestClients;

namespace Mesh.KvStore.Etcd.Tests.Integration;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class EtcdAuthTests
{
    private const string RootPassword = "root-secret";
    private const string ReaderPassword = "reader-secret";

    [EtcdFact]
    public async Task PutAsync_ReadOnlyUser_IsRefusedByEtcdWhileReadsWork()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await etcd.Ctl.PutAsync("ro/k", "original");
        await EnableAuthWithReaderAsync(etcd);
        await using var reader = EtcdClientFactory.Create(Options(etcd) with { Username = "reader", Password = ReaderPassword });

        var read = await reader.RangeAsync(new EtcdRangeRequest("ro/k"));
        var write = () => reader.PutAsync(new EtcdPutRequest("ro/k", Bytes("changed")));

        Text(read.Kvs.Single().Value).Should().Be("original");
        var error = (await write.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.PermissionDenied);
        EtcdErrors.IsPermissionDenied(error).Should().BeTrue();
        (await RootCtl(etcd).GetAsync("ro/k")).Should().Be("original");
    }

    [EtcdFact]
    public async Task RangeAsync_ReaderOutsideItsPrefix_IsRefused()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await etcd.Ctl.PutAsync("secret/k", "hidden");
        await EnableAuthWithReaderAsync(etcd);
        await using var reader = EtcdClientFactory.Create(Options(etcd) with { Username = "reader", Password = ReaderPassword });

        var act = () => reader.RangeAsync(new EtcdRangeRequest("secret/k"));

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(GrpcStatusCode.PermissionDenied);
    }

    [EtcdFact]
    public async Task PutAsync_RootUserWithPassword_WritesAndAnonymousIsRejected()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await EnableAuthWithReaderAsync(etcd);
        await using var root = EtcdClientFactory.Create(Options(etcd) with { Username = EtcdFixture.RootUser, Password = RootPassword });
        await using var anonymous = Create(etcd);

        await root.PutAsync(new EtcdPutRequest("rw/k", Bytes("by-root")));
        var anonymousRead = () => anonymous.RangeAsync(new EtcdRangeRequest("rw/k"));

        (await RootCtl(etcd).GetAsync("rw/k")).Should().Be("by-root");
        (await anonymousRead.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().BeOneOf(GrpcStatusCode.PermissionDenied, GrpcStatusCode.InvalidArgument);
    }

    [EtcdFact]
    public async Task AuthenticateAsync_WrongPassword_FailsWithEtcdReason()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await EnableAuthWithReaderAsync(etcd);
        await using var client = EtcdClientFactory.Create(Options(etcd) with { Username = "reader", Password = "wrong" });

        var act = () => client.AuthenticateAsync();

        var error = (await act.Should().ThrowAsync<GrpcException>()).Which;
        error.StatusCode.Should().Be(GrpcStatusCode.InvalidArgument);
        error.StatusMessage.Should().Contain("authentication failed");
    }

    [EtcdFact]
    public async Task RangeAsync_TokenInvalidatedByRestart_ReauthenticatesTransparently()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await etcd.Ctl.PutAsync("ro/k", "v");
        await EnableAuthWithReaderAsync(etcd);
        await using var reader = EtcdClientFactory.Create(Options(etcd) with { Username = "reader", Password = ReaderPassword });
        (await reader.RangeAsync(new EtcdRangeRequest("ro/k"))).Count.Should().Be(1);

        // Simple tokens live in the member's memory: after a restart the old token is invalid.
        await etcd.RestartAsync();
        var read = await reader.RangeAsync(new EtcdRangeRequest("ro/k"));

        Text(read.Kvs.Single().Value).Should().Be("v");
    }

    [EtcdFact]
    public async Task AuthDisableAsync_AfterEnable_AnonymousCallsWorkAgain()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        await EnableAuthWithReaderAsync(etcd);
        await using var root = EtcdClientFactory.Create(Options(etcd) with { Username = EtcdFixture.RootUser, Password = RootPassword });
        await using var anonymous = Create(etcd);

        await root.AuthDisableAsync();
        await anonymous.PutAsync(new EtcdPutRequest("open/k", Bytes("v")));

        (await etcd.Ctl.GetAsync("open/k")).Should().Be("v");
    }

    private static EtcdCtl RootCtl(EtcdFixture etcd) => new(etcd.ClientEndpoint, null, $"{EtcdFixture.RootUser}:{RootPassword}");

    /// <summary>root (password), role "reader" with read on ro/ only, user "reader"; then auth on.</summary>
    private static async Task EnableAuthWithReaderAsync(EtcdFixture etcd)
    {
        await using var admin = Create(etcd);
        await admin.UserAddAsync(EtcdFixture.RootUser, RootPassword);
        await admin.UserGrantRoleAsync(EtcdFixture.RootUser, "root");
        await admin.RoleAddAsync("reader");
        await admin.RoleGrantPermissionAsync("reader", EtcdPermissionType.Read, "ro/", "ro0");
        await admin.UserAddAsync("reader", ReaderPassword);
        await admin.UserGrantRoleAsync("reader", "reader");
        await admin.AuthEnableAsync();
    }
}
