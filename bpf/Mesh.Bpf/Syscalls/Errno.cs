using System.Runtime.InteropServices;

namespace Mesh.Bpf.Syscalls;

/// <summary>Names for the errno values bpf(2) returns, so errors read "EPERM" rather than "1".</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int E2BIG = 7;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENOSYS = 38;
    public const int EOPNOTSUPP = 95;
    public const int ENOTSUPP = 524;

    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        E2BIG => "E2BIG",
        EBADF => "EBADF",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        EINVAL => "EINVAL",
        ENOSPC => "ENOSPC",
        ENOSYS => "ENOSYS",
        EOPNOTSUPP => "EOPNOTSUPP",
        ENOTSUPP => "ENOTSUPP",
        _ => $"errno {errno}",
    };

    /// <summary>"EPERM (Operation not permitted)"; ENOTSUPP is kernel-internal, so libc has no text for it.</summary>
    public static string Describe(int errno) => errno == ENOTSUPP
        ? "ENOTSUPP (Operation not supported by this map type or kernel)"
        : $"{Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";
}
