using System.Net.Sockets;
using Mesh.Bpf;
using Mesh.Bpf.Maps.Layouts;
using Mesh.NodeAgent.Collections;
using Mesh.NodeAgent.LoadBalancerMaps;
using Mesh.NodeAgent.LoadBalancing;
using LayoutBackendState = Mesh.Bpf.Maps.Layouts.BackendState;

namespace Mesh.NodeAgent.Host.Datapath;

/// <summary>The agent's LB entries in the map layouts and back (the way back recovers IDs after a restart).</summary>
internal static class LbEncoding
{
    public static void WriteServiceKey(LbFrontendKey key, ushort slot, Span<byte> destination)
    {
        if (key.IsIPv6)
        {
            new Lb6ServiceKey(key.Address, key.Port, slot, (L4Proto)key.Protocol, (ServiceScope)key.Scope).Write(destination);
        }
        else
        {
            new Lb4ServiceKey(key.Address, key.Port, slot, (L4Proto)key.Protocol, (ServiceScope)key.Scope).Write(destination);
        }
    }

    /// <summary>Sets the slot of a key <see cref="WriteServiceKey"/> wrote for the same frontend.</summary>
    public static void WriteServiceSlot(LbFrontendKey key, ushort slot, Span<byte> destination)
    {
        if (key.IsIPv6)
        {
            Lb6ServiceKey.WriteSlot(destination, slot);
        }
        else
        {
            Lb4ServiceKey.WriteSlot(destination, slot);
        }
    }

    public static void WriteBackendValue(LbBackendEntry entry, Span<byte> destination)
    {
        var address = entry.Address;
        if (address.Address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            new Lb6BackendValue(address.Address, address.Port, (L4Proto)address.Protocol, (LayoutBackendState)entry.State, (ushort)entry.ClusterId, entry.Zone).Write(destination);
        }
        else
        {
            new Lb4BackendValue(address.Address, address.Port, (L4Proto)address.Protocol, (LayoutBackendState)entry.State, (ushort)entry.ClusterId, entry.Zone).Write(destination);
        }
    }

    /// <summary>Service entries as found in the maps: slot 0 with the backend IDs of its slots.</summary>
    public static IReadOnlyList<LbServiceEntry> RecoverServices(BpfMapEntries services4, BpfMapEntries services6)
    {
        ArgumentNullException.ThrowIfNull(services4);
        ArgumentNullException.ThrowIfNull(services6);
        var masters = new Dictionary<LbFrontendKey, LbServiceValue>();
        var slots = new Dictionary<(LbFrontendKey, ushort), uint>();
        for (var i = 0; i < services4.Count; i++)
        {
            var key = Lb4ServiceKey.Read(services4.Key(i));
            Collect(new LbFrontendKey(key.Vip, key.Port, (L4Protocol)key.Proto, (LbScope)key.Scope), key.Slot, LbServiceValue.Read(services4.Value(i)), masters, slots);
        }
        for (var i = 0; i < services6.Count; i++)
        {
            var key = Lb6ServiceKey.Read(services6.Key(i));
            Collect(new LbFrontendKey(key.Vip, key.Port, (L4Protocol)key.Proto, (LbScope)key.Scope), key.Slot, LbServiceValue.Read(services6.Value(i)), masters, slots);
        }
        var result = new List<LbServiceEntry>(masters.Count);
        foreach (var (key, master) in masters)
        {
            var ids = new List<uint>(master.Count);
            for (ushort slot = 1; slot <= master.Count; slot++)
            {
                if (slots.TryGetValue((key, slot), out var id))
                {
                    ids.Add(id);
                }
            }
            result.Add(new LbServiceEntry(key, default, master.RevNatIndex, new ValueList<uint>(ids), (ServiceFlagBits)master.Flags, master.AffinityTimeoutSeconds));
        }
        return result;
    }

    /// <summary>Backend entries as found in the maps.</summary>
    public static IReadOnlyList<LbBackendEntry> RecoverBackends(BpfMapEntries backends4, BpfMapEntries backends6)
    {
        ArgumentNullException.ThrowIfNull(backends4);
        ArgumentNullException.ThrowIfNull(backends6);
        var result = new List<LbBackendEntry>(backends4.Count + backends6.Count);
        for (var i = 0; i < backends4.Count; i++)
        {
            var value = Lb4BackendValue.Read(backends4.Value(i));
            result.Add(new LbBackendEntry(LbBackendKey.Read(backends4.Key(i)).BackendId, new L3L4Address(value.Address, value.Port, (L4Protocol)value.Proto), (LoadBalancing.BackendState)value.State, value.ClusterId, value.Zone));
        }
        for (var i = 0; i < backends6.Count; i++)
        {
            var value = Lb6BackendValue.Read(backends6.Value(i));
            result.Add(new LbBackendEntry(LbBackendKey.Read(backends6.Key(i)).BackendId, new L3L4Address(value.Address, value.Port, (L4Protocol)value.Proto), (LoadBalancing.BackendState)value.State, value.ClusterId, value.Zone));
        }
        return result;
    }

    private static void Collect(LbFrontendKey key, ushort slot, LbServiceValue value, Dictionary<LbFrontendKey, LbServiceValue> masters, Dictionary<(LbFrontendKey, ushort), uint> slots)
    {
        if (slot == 0)
        {
            masters[key] = value;
        }
        else
        {
            slots[(key, slot)] = value.BackendId;
        }
    }
}
