using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>
/// Asks the CPU to start loading an object's first cache line while other work goes on. Only a hint: an object the
/// GC moves in between is simply not prefetched, and on CPUs without the instruction nothing happens.
/// </summary>
internal static class CachePrefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object(object? value)
    {
        if (Sse.IsSupported && value is not null)
        {
            Sse.Prefetch0(*(void**)Unsafe.AsPointer(ref value));
        }
    }
}
