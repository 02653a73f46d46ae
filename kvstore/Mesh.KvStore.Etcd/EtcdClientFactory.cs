using System.Security.Cryptography.X509Certificates;
using Mesh.Grpc;
using Mesh.KvStore.Etcd.Client;
using Mesh.KvStore.Etcd.Connection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.KvStore.Etcd;

/// <summary>Creates etcd clients. No connection is made until the first call.</summary>
public static class EtcdClientFactory
{
    /// <summary>Validates the options (reporting every problem), loads TLS material and builds one channel per endpoint.</summary>
    public static IEtcdClient Create(EtcdClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid etcd client options: {string.Join("; ", errors)}", nameof(options));
        }
        var time = timeProvider ?? TimeProvider.System;
        var roots = EtcdTlsMaterial.LoadRoots(options);
        var certificate = EtcdTlsMaterial.LoadClientCertificate(options);
        var channels = new List<GrpcChannel>(options.Endpoints.Count);
        foreach (var endpoint in options.Endpoints)
        {
            EtcdClientOptions.TryParseEndpoint(endpoint, roots is not null, out var address);
            channels.Add(new GrpcChannel(ChannelOptions(options, address, certificate, roots, time)));
        }
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Mesh.KvStore.Etcd");
        return new EtcdClient(options, new EtcdEndpointPool(channels), logger, time);
    }

    /// <summary>The channel of one endpoint; it keeps the endpoint's host name and dials it through the host aliases.</summary>
    internal static GrpcChannelOptions ChannelOptions(
        EtcdClientOptions options, Uri address, X509Certificate2? certificate, X509Certificate2Collection? roots, TimeProvider time) => new()
    {
        Address = address,
        HostAddresses = options.HostAliases.Count == 0 ? null : options.HostAliases,
        ClientCertificate = certificate,
        TrustedRoots = roots,
        ConnectTimeout = options.DialTimeout,
        KeepAlivePingDelay = options.KeepAlivePingDelay,
        KeepAlivePingTimeout = options.KeepAlivePingTimeout,
        TimeProvider = time,
    };
}
