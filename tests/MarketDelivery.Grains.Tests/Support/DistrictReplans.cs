using Orleans.Runtime.Diagnostics;

namespace MarketDelivery.Grains.Tests.Support;

/// <summary>
/// Follows the debounced re-plans of district dispatchers through Orleans' grain-timer diagnostics (the test cluster's
/// silos run in the test's process). A debounced re-plan is a district timer due after the re-plan debounce; its tick
/// plans, stores the plan and hands it to the boards. It is pending from the timer's creation until that tick has
/// stopped, or until the timer is disposed without a tick (a deactivation).
/// </summary>
public sealed class DistrictReplans : IObserver<GrainTimerEvents.TimerEvent>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _debounce;
    private readonly Lock _gate = new();
    private readonly HashSet<IGrainTimer> _pending = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<IGrainTimer> _ticking = new(ReferenceEqualityComparer.Instance);
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private readonly IDisposable _subscription;

    private DistrictReplans(TimeSpan debounce)
    {
        _debounce = debounce;
        _subscription = GrainTimerEvents.AllEvents.Subscribe(this);
    }

    /// <summary>How many debounced re-plans were scheduled since watching began.</summary>
    public int Scheduled { get; private set; }

    /// <summary>How many debounced re-plans were dropped without planning (disposed before their tick) since watching began.</summary>
    public int Dropped { get; private set; }

    /// <summary>Starts watching; re-plans scheduled before this call are not seen.</summary>
    public static DistrictReplans Watch(TestSiloServices services) => new(services.Dispatch.ReplanDebounce);

    /// <summary>Waits until no district has a debounced re-plan scheduled or running.</summary>
    public Task WhenNonePending()
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return Task.CompletedTask;
            }

            _idleWaiters.Add(idle);
        }

        return idle.Task.WaitAsync(Patience);
    }

    public void OnNext(GrainTimerEvents.TimerEvent value)
    {
        if (!value.GrainContext.GrainId.Type.ToString().Contains("district", StringComparison.Ordinal))
        {
            return;
        }

        List<TaskCompletionSource> idle = [];
        lock (_gate)
        {
            switch (value)
            {
                case GrainTimerEvents.Created created when created.DueTime == _debounce:
                    _pending.Add(created.Timer);
                    Scheduled++;
                    break;
                case GrainTimerEvents.TickStart start when _pending.Contains(start.Timer):
                    _ticking.Add(start.Timer);
                    break;
                case GrainTimerEvents.TickStop stop:
                    _ticking.Remove(stop.Timer);
                    _pending.Remove(stop.Timer);
                    break;
                // The re-plan's tick disposes its own timer before planning: it stays pending until the tick stops.
                case GrainTimerEvents.Disposed disposed when !_ticking.Contains(disposed.Timer):
                    if (_pending.Remove(disposed.Timer))
                    {
                        Dropped++;
                    }

                    break;
            }

            if (_pending.Count == 0)
            {
                idle.AddRange(_idleWaiters);
                _idleWaiters.Clear();
            }
        }

        foreach (var waiter in idle)
        {
            waiter.TrySetResult();
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose() => _subscription.Dispose();
}
