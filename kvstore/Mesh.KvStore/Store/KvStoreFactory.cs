using Mesh.KvStore.Backend;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.KvStore.Store;

/// <summary>Builds an <see cref="IKvStore"/> over a backend (etcd or embedded).</summary>
public static class KvStoreFactory
{
    public static IKvStore Create(IKvBackend backend, KvStoreOptions? options = null, TimeProvider? time = null, ILoggerFactory? loggers = null) =>
        new KvStore(
            backend,
            options ?? new KvStoreOptions(),
            time ?? TimeProvider.System,
            (loggers ?? NullLoggerFactory.Instance).CreateLogger<KvStore>());
}
