namespace Mesh.Bpf.Syscalls;

/// <summary>The <c>cmd</c> argument of bpf(2) (include/uapi/linux/bpf.h, enum bpf_cmd).</summary>
public enum BpfCommand
{
    MapCreate = 0,
    MapLookupElem = 1,
    MapUpdateElem = 2,
    MapDeleteElem = 3,
    MapGetNextKey = 4,
    ProgLoad = 5,
    ObjPin = 6,
    ObjGet = 7,
    ProgTestRun = 10,
    ObjGetInfoByFd = 15,
    MapLookupBatch = 24,
    MapUpdateBatch = 26,
    MapDeleteBatch = 27,
}
