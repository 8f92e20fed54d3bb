using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Dispatch;

/// <summary>
/// One planning run's travel matrices, computed once per mode and shared by the warm-start check, the solver and
/// the validator (they all see the same location list).
/// </summary>
internal sealed class CachingTravelSource(ITravelMatrixSource inner) : ITravelMatrixSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TravelMode, TravelMatrix> _matrices = [];
    private IReadOnlyList<Location>? _locations;

    public TravelMatrix GetMatrix(IReadOnlyList<Location> locations, TravelMode mode, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(locations, _locations))
            {
                _matrices.Clear();
                _locations = locations;
            }
            if (!_matrices.TryGetValue(mode, out var m))
            {
                m = inner.GetMatrix(locations, mode, cancellationToken);
                _matrices[mode] = m;
            }
            return m;
        }
    }
}

/// <summary>
/// Schedules a candidate route the way the routing library does (leave at the shift start, travel, wait for the
/// window to open, serve; goods of plain jobs on board from the start), so a warm start handed to the solver is
/// always feasible. It is deliberately a little stricter than the library (no tolerance).
/// </summary>
internal sealed class RouteChecker
{
    /// <summary>The route is feasible.</summary>
    public const int Feasible = int.MinValue;
    /// <summary>The goods on board at the start exceed the capacity.</summary>
    public const int AtStart = -1;

    private sealed record StepInfo(int Loc, double Service, double Open, double SoftClose, double HardClose, long[] Delta, double MaxRide);

    private readonly RoutingProblem _problem;
    private readonly ITravelMatrixSource _travel;
    private readonly CancellationToken _ct;
    private readonly Dictionary<string, int> _locIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<StepRef, StepInfo> _steps = [];

    public RouteChecker(RoutingProblem problem, ITravelMatrixSource travel, CancellationToken ct)
    {
        _problem = problem;
        _travel = travel;
        _ct = ct;
        for (var i = 0; i < problem.Locations.Count; i++)
        {
            _locIndex[problem.Locations[i].Id] = i;
        }
        foreach (var j in problem.Jobs)
        {
            _steps[new StepRef(j.Id, StepKind.Job)] = Info(j.Delivery, j.Amount.Select(a => -a).ToArray(), double.MaxValue);
        }
        foreach (var s in problem.Shipments)
        {
            var ride = s.MaxRideSeconds ?? double.MaxValue;
            _steps[new StepRef(s.Id, StepKind.Pickup)] = Info(s.Pickup, s.Amount.ToArray(), ride);
            _steps[new StepRef(s.Id, StepKind.Delivery)] = Info(s.Delivery, s.Amount.Select(a => -a).ToArray(), ride);
        }
    }

    private StepInfo Info(Visit v, long[] delta, double maxRide)
    {
        var w = v.Window ?? TimeWindow.Always;
        var hard = v.Policy == WindowPolicy.Hard ? w.End : v.MaxLatenessSeconds is { } ml ? w.End + ml : double.MaxValue;
        return new StepInfo(_locIndex[v.LocationId], v.ServiceSeconds, w.Start, w.End, hard, delta, maxRide);
    }

    /// <summary>
    /// Schedules <paramref name="steps"/> on <paramref name="vehicle"/>. Returns <see cref="Feasible"/>, <see cref="AtStart"/>,
    /// the index of the first step that fails (window, capacity, ride time, delivery before pick-up), or
    /// <c>steps.Count</c> when the route ends after the shift. <paramref name="finish"/> is when the route ends.
    /// </summary>
    public int Check(Vehicle vehicle, IReadOnlyList<StepRef> steps, out double finish)
    {
        var m = _travel.GetMatrix(_problem.Locations, vehicle.Mode, _ct);
        var dims = _problem.AmountDimensions.Count;
        var load = new long[dims];
        foreach (var st in steps)
        {
            if (st.Kind == StepKind.Job)
            {
                var info = _steps[st];
                for (var d = 0; d < dims; d++)
                {
                    load[d] -= info.Delta[d];
                }
            }
        }
        finish = vehicle.Shift.Start;
        for (var d = 0; d < dims; d++)
        {
            if (load[d] > vehicle.Capacity[d])
            {
                return AtStart;
            }
        }
        var t = vehicle.Shift.Start;
        var loc = _locIndex[vehicle.StartLocationId];
        var pickedAt = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var st = steps[i];
            var info = _steps[st];
            t += m.Duration(loc, info.Loc);
            loc = info.Loc;
            var start = Math.Max(t, info.Open);
            if (start > info.HardClose)
            {
                finish = start;
                return i;
            }
            t = start + info.Service;
            finish = t;
            if (st.Kind == StepKind.Job)
            {
                continue;
            }
            for (var d = 0; d < dims; d++)
            {
                load[d] += info.Delta[d];
                if (load[d] > vehicle.Capacity[d] || load[d] < 0)
                {
                    return i;
                }
            }
            if (st.Kind == StepKind.Pickup)
            {
                pickedAt[st.Id] = t;
            }
            else if (!pickedAt.TryGetValue(st.Id, out var departed) || start - departed > info.MaxRide)
            {
                return i;
            }
        }
        if (vehicle.EndLocationId is { } end)
        {
            t += m.Duration(loc, _locIndex[end]);
        }
        finish = t;
        return t > vehicle.Shift.End ? steps.Count : Feasible;
    }
}
