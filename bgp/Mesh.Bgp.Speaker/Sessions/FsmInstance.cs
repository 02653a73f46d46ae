using Mesh.Bgp.Fsm;
using Mesh.Bgp.Fsm.Timers;
using Mesh.Bgp.Speaker.Transport;

namespace Mesh.Bgp.Speaker.Sessions;

/// <summary>
/// One run of the FSM for a peer with its connection and timers. A peer has a primary instance and, during a
/// connection collision (RFC 4271 §6.8), a second one for the other connection. Owned by the speaker loop.
/// </summary>
internal sealed class FsmInstance(PeerSession peer)
{
    private readonly ITimer?[] _timers = new ITimer?[Enum.GetValues<FsmTimer>().Length];
    private readonly int[] _generations = new int[Enum.GetValues<FsmTimer>().Length];

    public PeerSession Peer { get; } = peer;

    public FsmState State { get; set; } = FsmState.Initial;

    public BgpConnection? Connection { get; private set; }

    public bool IsRetired { get; private set; }

    public void Bind(BgpConnection connection)
    {
        Connection = connection;
        connection.Owner = this;
    }

    /// <summary>Closes the connection (flushing queued messages) and forgets it.</summary>
    public void Unbind()
    {
        Connection?.Close();
        Connection = null;
    }

    /// <summary>Starts <paramref name="timer"/>; when it fires, <paramref name="onFire"/> gets the generation to check staleness with.</summary>
    public void StartTimer(FsmTimer timer, TimeSpan due, TimeProvider time, Action<FsmInstance, FsmTimer, int> onFire)
    {
        var index = (int)timer;
        _timers[index]?.Dispose();
        var generation = ++_generations[index];
        _timers[index] = time.CreateTimer(_ => onFire(this, timer, generation), null, due, Timeout.InfiniteTimeSpan);
    }

    public void StopTimer(FsmTimer timer)
    {
        var index = (int)timer;
        _generations[index]++;
        _timers[index]?.Dispose();
        _timers[index] = null;
    }

    public bool IsCurrent(FsmTimer timer, int generation) => !IsRetired && _generations[(int)timer] == generation;

    public void Retire()
    {
        foreach (var timer in Enum.GetValues<FsmTimer>())
        {
            StopTimer(timer);
        }

        Unbind();
        IsRetired = true;
    }
}
