using Mesh.KvStore.Backend;

namespace Mesh.KvStore.Embedded;

/// <summary>Every event committed at one revision (a put, a delete range, a transaction, a lease revocation).</summary>
internal sealed record RevisionChanges(long Revision, WatchEvent[] Events);
