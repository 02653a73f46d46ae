using Mesh.Bpf.Loader.Native;
using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Loader;

/// <summary>
/// sched_cls programs on an interface's clsact hooks, through libbpf's <c>bpf_tc_*</c> (netlink, in the calling
/// thread's network namespace; see <see cref="NetworkNamespaceThread"/> to act in another one).
/// <para>
/// Why clsact and not tcx: this kernel has tcx (6.6+), but libbpf 1.1 has no tcx API, and a tcx link lives only
/// as long as its descriptor or a bpffs pin of it. A clsact filter belongs to the interface: when the agent stops
/// or crashes, the last programs keep filtering, and a restarted agent swaps in its new programs with
/// <c>BPF_TC_F_REPLACE</c> on the same handle and priority, which the kernel does atomically — no packet ever sees
/// an interface without a program. With the conntrack map pinned and reused, established connections carry on.
/// </para>
/// Every Mesh program sits at one fixed place per hook: handle <see cref="Handle"/>, priority <see cref="Priority"/>.
/// </summary>
public static class TcAttachment
{
    /// <summary>The filter handle Mesh uses on each hook.</summary>
    public const uint Handle = 1;

    /// <summary>The filter priority Mesh uses on each hook.</summary>
    public const uint Priority = 1;

    private const uint ReplaceFlag = 1; // BPF_TC_F_REPLACE
    private const int NoSuchDevice = 19; // ENODEV

    /// <summary>
    /// Creates the interface's clsact qdisc when missing and puts <paramref name="program"/> at Mesh's place on
    /// <paramref name="direction"/>, replacing atomically whatever program was there.
    /// </summary>
    /// <returns>The kernel id of the attached program.</returns>
    /// <exception cref="TcAttachException">No such interface, no privileges, or the kernel refused the filter.</exception>
    public static uint Attach(int interfaceIndex, TcDirection direction, BpfObjectProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Attach(interfaceIndex, direction, program.Fd);
    }

    /// <inheritdoc cref="Attach(int, TcDirection, BpfObjectProgram)"/>
    public static unsafe uint Attach(int interfaceIndex, TcDirection direction, int programFd)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interfaceIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(programFd);
        var hook = Hook(interfaceIndex, direction);
        var rc = LibBpf.TcHookCreate(&hook);
        if (rc < 0 && -rc != Errno.EEXIST)
        {
            throw new TcAttachException("creating the clsact qdisc", interfaceIndex, direction, -rc);
        }
        var options = new TcOptions
        {
            Size = (nuint)sizeof(TcOptions),
            ProgramFd = programFd,
            Flags = ReplaceFlag,
            Handle = Handle,
            Priority = Priority,
        };
        rc = LibBpf.TcAttach(&hook, &options);
        if (rc < 0)
        {
            throw new TcAttachException("attaching a sched_cls program", interfaceIndex, direction, -rc);
        }
        return options.ProgramId;
    }

    /// <summary>The id of the program at Mesh's place on the hook, or null when none is there.</summary>
    public static unsafe uint? AttachedProgramId(int interfaceIndex, TcDirection direction)
    {
        var hook = Hook(interfaceIndex, direction);
        var options = new TcOptions { Size = (nuint)sizeof(TcOptions), Handle = Handle, Priority = Priority };
        var rc = LibBpf.TcQuery(&hook, &options);
        if (rc < 0)
        {
            // ENOENT: no filter there; EINVAL: no clsact qdisc (libbpf cannot tell the two apart over netlink).
            return -rc is Errno.ENOENT or Errno.EINVAL ? null : throw new TcAttachException("querying the filter", interfaceIndex, direction, -rc);
        }
        return options.ProgramId;
    }

    /// <summary>Removes Mesh's program from the hook. "Already absent" (no filter, no qdisc, no interface) is success.</summary>
    /// <returns>True when a program was removed.</returns>
    public static unsafe bool Detach(int interfaceIndex, TcDirection direction)
    {
        var hook = Hook(interfaceIndex, direction);
        var options = new TcOptions { Size = (nuint)sizeof(TcOptions), Handle = Handle, Priority = Priority };
        var rc = LibBpf.TcDetach(&hook, &options);
        if (rc < 0)
        {
            return -rc is Errno.ENOENT or Errno.EINVAL or NoSuchDevice ? false : throw new TcAttachException("detaching the filter", interfaceIndex, direction, -rc);
        }
        return true;
    }

    /// <summary>The index of the interface named <paramref name="name"/> in the calling thread's network namespace, or null.</summary>
    public static int? InterfaceIndex(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var index = LibC.InterfaceNameToIndex(name);
        return index == 0 ? null : (int)index;
    }

    private static unsafe TcHook Hook(int interfaceIndex, TcDirection direction) => new()
    {
        Size = (nuint)sizeof(TcHook),
        InterfaceIndex = interfaceIndex,
        AttachPoint = direction switch
        {
            TcDirection.Ingress or TcDirection.Egress => (int)direction,
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "ingress or egress"),
        },
    };
}
