using System.Runtime.InteropServices;

namespace Mesh.Bpf.Loader.Native;

/// <summary>
/// The part of libbpf.so.1 (1.1 ABI) the loader uses. Objects, programs and maps are opaque pointers owned by
/// the bpf_object; strings returned by libbpf live as long as the object.
/// </summary>
internal static unsafe partial class LibBpf
{
    private const string Library = "libbpf.so.1";

    public const uint ProgramTypeUnspecified = 0;

    [LibraryImport(Library, EntryPoint = "bpf_object__open_file", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectOpenFile(string path, nint options);

    [LibraryImport(Library, EntryPoint = "bpf_object__load")]
    public static partial int ObjectLoad(nint obj);

    [LibraryImport(Library, EntryPoint = "bpf_object__close")]
    public static partial void ObjectClose(nint obj);

    [LibraryImport(Library, EntryPoint = "bpf_object__next_program")]
    public static partial nint NextProgram(nint obj, nint previous);

    [LibraryImport(Library, EntryPoint = "bpf_object__next_map")]
    public static partial nint NextMap(nint obj, nint previous);

    [LibraryImport(Library, EntryPoint = "bpf_program__name")]
    public static partial byte* ProgramName(nint program);

    [LibraryImport(Library, EntryPoint = "bpf_program__section_name")]
    public static partial byte* ProgramSectionName(nint program);

    [LibraryImport(Library, EntryPoint = "bpf_program__type")]
    public static partial uint ProgramType(nint program);

    [LibraryImport(Library, EntryPoint = "bpf_program__set_type")]
    public static partial int ProgramSetType(nint program, uint type);

    [LibraryImport(Library, EntryPoint = "bpf_program__set_log_buf")]
    public static partial int ProgramSetLogBuffer(nint program, byte* buffer, nuint size);

    [LibraryImport(Library, EntryPoint = "bpf_program__fd")]
    public static partial int ProgramFd(nint program);

    [LibraryImport(Library, EntryPoint = "bpf_map__name")]
    public static partial byte* MapName(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__type")]
    public static partial uint MapType(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__key_size")]
    public static partial uint MapKeySize(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__value_size")]
    public static partial uint MapValueSize(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__max_entries")]
    public static partial uint MapMaxEntries(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__map_flags")]
    public static partial uint MapFlags(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__is_internal")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool MapIsInternal(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__fd")]
    public static partial int MapFd(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__reuse_fd")]
    public static partial int MapReuseFd(nint map, int fd);

    [LibraryImport(Library, EntryPoint = "bpf_map__set_pin_path", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MapSetPinPath(nint map, string? path);

    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
    public static partial int MapLookupElem(int fd, void* key, void* value);

    [LibraryImport(Library, EntryPoint = "bpf_map_update_elem", SetLastError = true)]
    public static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Library, EntryPoint = "bpf_prog_test_run_opts", SetLastError = true)]
    public static partial int ProgTestRunOpts(int programFd, TestRunOptions* options);

    [LibraryImport(Library, EntryPoint = "libbpf_set_print")]
    public static partial nint SetPrint(delegate* unmanaged[Cdecl]<int, byte*, nint, int> callback);

    [LibraryImport(Library, EntryPoint = "bpf_tc_hook_create")]
    public static partial int TcHookCreate(TcHook* hook);

    [LibraryImport(Library, EntryPoint = "bpf_tc_hook_destroy")]
    public static partial int TcHookDestroy(TcHook* hook);

    [LibraryImport(Library, EntryPoint = "bpf_tc_attach")]
    public static partial int TcAttach(TcHook* hook, TcOptions* options);

    [LibraryImport(Library, EntryPoint = "bpf_tc_detach")]
    public static partial int TcDetach(TcHook* hook, TcOptions* options);

    [LibraryImport(Library, EntryPoint = "bpf_tc_query")]
    public static partial int TcQuery(TcHook* hook, TcOptions* options);

    public static string? Text(byte* utf8) => utf8 is null ? null : Marshal.PtrToStringUTF8((nint)utf8);
}
