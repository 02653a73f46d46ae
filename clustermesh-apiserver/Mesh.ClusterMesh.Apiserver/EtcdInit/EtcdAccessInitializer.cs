using System.Security.Cryptography;
using Mesh.Grpc;
using Mesh.KvStore.Etcd;
using Microsoft.Extensions.Logging;

namespace Mesh.ClusterMesh.Apiserver.EtcdInit;

/// <summary>
/// Applies an <see cref="EtcdAccessPlan"/> to an etcd and turns authentication on (what Cilium's <c>etcdinit</c> does
/// to a fresh data dir). Users get random passwords nobody knows: they log in by client-certificate CN. Safe to run
/// again: existing users, roles and grants are kept.
/// </summary>
public sealed partial class EtcdAccessInitializer(IEtcdClient client, ILogger<EtcdAccessInitializer> logger)
{
    private readonly ILogger _logger = logger;

    public async Task ApplyAsync(EtcdAccessPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var role in plan.Users.Select(u => u.Role).Distinct(StringComparer.Ordinal))
        {
            await IgnoreExistingAsync(() => client.RoleAddAsync(role, cancellationToken));
        }
        foreach (var (role, key, rangeEnd) in plan.ReadGrants)
        {
            await client.RoleGrantPermissionAsync(role, EtcdPermissionType.Read, key, rangeEnd, cancellationToken);
        }
        foreach (var (user, role) in plan.Users)
        {
            await IgnoreExistingAsync(() => client.UserAddAsync(user, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)), cancellationToken));
            await client.UserGrantRoleAsync(user, role, cancellationToken);
        }
        try
        {
            await client.AuthEnableAsync(cancellationToken);
        }
        catch (GrpcException e) when (e.StatusMessage.Contains("already enabled", StringComparison.OrdinalIgnoreCase))
        {
            // Re-run on an initialized etcd.
        }
        LogApplied(plan.Users.Count, plan.ReadGrants.Count);
    }

    private static async Task IgnoreExistingAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (GrpcException e) when (e.StatusMessage.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Kept as it is.
        }
    }

    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "etcd prepared: {Users} users, {Grants} read grants, authentication enabled")]
    private partial void LogApplied(int users, int grants);
}
