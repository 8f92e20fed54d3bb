using System.Diagnostics;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Solving;

/// <summary>
/// Our improvement phase: slack induction by string removals (ruin adjacent strings of stops in a
/// few routes, re-insert the removed units by cheapest feasible insertion with blinks) under
/// simulated annealing. Seeded and bounded by a work budget, so a run is reproducible.
/// All times and costs in double precision, with the same schedule as <see cref="RouteSimulator"/>.
/// Costs are ranked by <see cref="PlanCost"/> (service, then fleet, then travel, lexicographically):
/// insertion picks the lexicographically cheapest position and the annealing only ever trades
/// travel, never lateness or couriers. When vehicles have a fixed cost, a route-elimination stage
/// runs first (<see cref="EliminateRoutes"/>).
/// </summary>
internal sealed class RuinRecreate
{
    private readonly CompiledProblem _cp;
    private readonly RuinRecreateSettings _settings;
    private readonly Random _rng;
    private readonly int _v;
    private readonly int[][] _neighbours;
    private readonly bool _slowPath;

    // Working solution.
    private readonly List<int>[] _routes;
    /// <summary>Travel cost of each route (arcs only); +inf when infeasible.</summary>
    private readonly double[] _routeCost;
    /// <summary>Lateness cost of each route.</summary>
    private readonly double[] _routeLate;
    private readonly int[] _stepRoute;
    private readonly List<int> _unassigned = [];

    // Accepted (current) solution.
    private readonly List<int>[] _curRoutes;
    private readonly double[] _curRouteCost;
    private readonly double[] _curRouteLate;
    private readonly List<int> _curUnassigned = [];
    private PlanCost _curCost;

    // Best solution.
    private List<int>[] _bestRoutes;
    private PlanCost _bestCost;

    /// <summary>Insertion may open an empty route only while fewer routes than this are in use.</summary>
    private int _maxRoutes = int.MaxValue;
    /// <summary>Insertion may not add lateness (route elimination must not buy a courier with lateness).</summary>
    private bool _noNewLateness;

    // Route caches for the working solution.
    private readonly RouteCache[] _cache;
    private readonly bool[] _touched;
    private readonly List<int> _touchedList = [];

    private long _work;

    /// <summary>Work units charged per iteration for its fixed costs (copying, sorting, bookkeeping).</summary>
    private const int IterationOverhead = 1000;

    public RuinRecreate(CompiledProblem cp, RuinRecreateSettings settings, int seed)
    {
        _cp = cp;
        _settings = settings;
        _rng = new Random(seed);
        _v = cp.VehicleCount;
        _slowPath = cp.HasSoftWindows || cp.HasRideLimits;
        _routes = new List<int>[_v];
        _curRoutes = new List<int>[_v];
        _routeCost = new double[_v];
        _routeLate = new double[_v];
        _curRouteCost = new double[_v];
        _curRouteLate = new double[_v];
        _cache = new RouteCache[_v];
        _touched = new bool[_v];
        for (var r = 0; r < _v; r++)
        {
            _routes[r] = [];
            _curRoutes[r] = [];
            _cache[r] = new RouteCache();
        }
        _bestRoutes = _routes.Select(r => new List<int>(r)).ToArray();
        _stepRoute = new int[cp.StepCount];
        _neighbours = BuildNeighbours(cp);
    }

    public long WorkUnits => _work;
    public long Iterations { get; private set; }
    public string StoppedBy { get; private set; } = "budget";

    private sealed class RouteCache
    {
        public bool Valid;
        public int[] Locs = new int[8];
        public double[] Depart = new double[8];
        public double[] Latest = new double[8];
        public long[] Load = new long[8];
        public long[] PrefMax = new long[8];
    }

    private static int[][] BuildNeighbours(CompiledProblem cp)
    {
        var m = cp.Matrices[0];
        var n = cp.StepCount;
        var result = new int[n][];
        var keys = new double[n];
        var idx = new int[n];
        var k = Math.Min(n, 200);
        for (var s = 0; s < n; s++)
        {
            for (var t = 0; t < n; t++)
            {
                idx[t] = t;
                keys[t] = t == s ? -1 : m.Distance(cp.StepLoc[s], cp.StepLoc[t]) + m.Distance(cp.StepLoc[t], cp.StepLoc[s]);
            }
            var kk = (double[])keys.Clone();
            var ii = (int[])idx.Clone();
            Array.Sort(kk, ii);
            result[s] = ii.Take(k).ToArray();
        }
        return result;
    }

    /// <summary>
    /// Runs the search from the given routes (unlisted units start unassigned). When some vehicle
    /// has a fixed cost, up to <see cref="RuinRecreateSettings.RouteEliminationShare"/> of the budget
    /// first goes to route elimination; the annealing then improves travel with the fleet it found.
    /// </summary>
    public List<int>[] Run(int[][] initial, long workBudget, long? maxIterations, Stopwatch clock, double wallCapSeconds, CancellationToken ct)
    {
        LoadRoutes(initial);
        if (_unassigned.Count > 0)
        {
            // Insert what the first solution left out, hardest first.
            var pending = _unassigned.OrderByDescending(u => _cp.UnitPenalty[u]).ThenBy(u => Slack(u)).ToList();
            _unassigned.Clear();
            Recreate(pending);
        }
        var cost = TotalCost();
        CommitAll();
        _curCost = cost;
        _bestCost = cost;
        _bestRoutes = _routes.Select(r => new List<int>(r)).ToArray();

        var removable = Enumerable.Range(0, _cp.UnitCount).Count(u => !_cp.UnitLocked[u]);
        if (removable == 0 || workBudget <= 0)
        {
            StoppedBy = "nothing to improve";
            return _bestRoutes;
        }

        _work = 0;
        long it = 0;
        if (_settings.RouteEliminationShare > 0 && _cp.VehicleFixed.Any(f => f > 0))
        {
            it = EliminateRoutes((long)(workBudget * Math.Min(1, _settings.RouteEliminationShare)), maxIterations, clock, wallCapSeconds, ct);
            _curCost = TotalCost();
            if (_curCost.IsBetterThan(_bestCost))
            {
                _bestCost = _curCost;
                for (var r = 0; r < _v; r++)
                {
                    _bestRoutes[r].Clear();
                    _bestRoutes[r].AddRange(_routes[r]);
                }
            }
        }

        var assignedSteps = _routes.Sum(r => r.Count);
        var usedRoutes = Math.Max(1, _routes.Count(r => r.Count > 0));
        var arcCost = _routes.Select((r, i) => r.Count > 0 ? _routeCost[i] : 0).Sum();
        var meanArc = assignedSteps > 0 ? Math.Max(1e-9, arcCost / (assignedSteps + usedRoutes)) : 1;
        var t0 = _settings.StartTemperature * meanArc;
        var tf = _settings.EndTemperature * meanArc;

        var annealStart = _work;
        StoppedBy = "work budget";
        while (true)
        {
            if (_work >= workBudget)
            {
                StoppedBy = "work budget";
                break;
            }
            if (maxIterations is { } mi && it >= mi)
            {
                StoppedBy = "iteration limit";
                break;
            }
            if ((it & 15) == 0)
            {
                if (ct.IsCancellationRequested)
                {
                    StoppedBy = "cancelled";
                    break;
                }
                if (clock.Elapsed.TotalSeconds >= wallCapSeconds)
                {
                    StoppedBy = "time limit";
                    break;
                }
            }
            it++;
            _work += IterationOverhead;
            var fraction = Math.Min(1.0, (double)(_work - annealStart) / Math.Max(1, workBudget - annealStart));
            var temperature = t0 * Math.Pow(tf / t0, fraction);

            var removed = Ruin(-1);
            removed.AddRange(_unassigned);
            _unassigned.Clear();
            SortForRecreate(removed);
            Recreate(removed);
            var newCost = TotalCost();
            // Annealing on travel only: a candidate worse on service or fleet is never accepted.
            var margin = temperature * Math.Log(_rng.NextDouble());
            if (newCost.IsBetterThan(_curCost, margin))
            {
                Commit();
                _curCost = newCost;
                if (newCost.IsBetterThan(_bestCost, 1e-9))
                {
                    _bestCost = newCost;
                    for (var r = 0; r < _v; r++)
                    {
                        _bestRoutes[r].Clear();
                        _bestRoutes[r].AddRange(_routes[r]);
                    }
                }
            }
            else
            {
                Revert();
            }
        }
        Iterations = it;
        return _bestRoutes;
    }

    public PlanCost BestCost => _bestCost;

    /// <summary>Makes the given routes the working and current solution (unlisted units unassigned).</summary>
    private void LoadRoutes(IReadOnlyList<IReadOnlyList<int>> routes)
    {
        var assigned = new bool[_cp.UnitCount];
        Array.Fill(_stepRoute, -1);
        for (var r = 0; r < _v; r++)
        {
            _routes[r].Clear();
            _routes[r].AddRange(routes[r]);
            foreach (var s in routes[r])
            {
                _stepRoute[s] = r;
                assigned[_cp.StepUnit[s]] = true;
            }
            UpdateRouteCost(r);
            _cache[r].Valid = false;
        }
        _unassigned.Clear();
        for (var u = 0; u < _cp.UnitCount; u++)
        {
            if (!assigned[u])
            {
                _unassigned.Add(u);
            }
        }
        CommitAll();
    }

    private void UpdateRouteCost(int r)
    {
        _routeCost[r] = RouteSimulator.Evaluate(_cp, r, _routes[r], out _, out _routeLate[r]);
    }

    private double TravelCost()
    {
        double c = 0;
        for (var r = 0; r < _v; r++)
        {
            c += _routeCost[r];
        }
        return c;
    }

    private int UsedRoutes()
    {
        var n = 0;
        for (var r = 0; r < _v; r++)
        {
            n += _routes[r].Count > 0 ? 1 : 0;
        }
        return n;
    }

    /// <summary>Units that stay unassigned in every plan of the reference's service level or better.</summary>
    private double ServiceCost()
    {
        double c = 0;
        for (var r = 0; r < _v; r++)
        {
            c += _routeLate[r];
        }
        foreach (var u in _unassigned)
        {
            c += _cp.UnitPenalty[u];
        }
        return c;
    }

    /// <summary>
    /// A lower bound on the routes any plan needs: per amount dimension, the fewest vehicles whose
    /// capacities add up to the total amount of the plain jobs (shipments reuse capacity: no bound).
    /// </summary>
    private int FleetLowerBound()
    {
        if (_cp.HasShipments)
        {
            return 1;
        }
        var bound = 1;
        for (var d = 0; d < _cp.Dims; d++)
        {
            long total = 0;
            for (var u = 0; u < _cp.UnitCount; u++)
            {
                total += _cp.UnitAmount[(u * _cp.Dims) + d];
            }
            var caps = Enumerable.Range(0, _v).Select(v => _cp.VehicleCapacity[(v * _cp.Dims) + d]).OrderDescending().ToList();
            var k = 0;
            long sum = 0;
            while (sum < total && k < caps.Count)
            {
                sum += caps[k++];
            }
            bound = Math.Max(bound, k);
        }
        return bound;
    }

    /// <summary>
    /// Route elimination (our own take on fleet minimisation by ruin and recreate). Repeatedly picks
    /// a small route with a fixed cost, moves its units to an ejection pool and caps the fleet at one
    /// route fewer; then ruins strings of stops near a pooled unit (picked with a weight that grows
    /// with how many iterations it has spent in the pool) and re-inserts the pool, the most often
    /// ejected units first, without opening a route and without adding lateness. A candidate is
    /// accepted when it leaves fewer units in the pool or a pool that has been absent no more often in
    /// total (sideways moves only when they do not lengthen the routes), so hard units keep moving
    /// to the front. The route is gone once the pool's service cost
    /// (penalties plus lateness) is back to the reference's; then the next route is tried. When the
    /// budget runs out before that, the last plan with every unit served is restored.
    /// Returns the iterations used.
    /// </summary>
    private long EliminateRoutes(long budget, long? maxIterations, Stopwatch clock, double wallCapSeconds, CancellationToken ct)
    {
        var referenceService = ServiceCost();
        var complete = _routes.Select(r => (IReadOnlyList<int>)r.ToList()).ToArray();
        var lowerBound = FleetLowerBound();
        var absence = new long[_cp.UnitCount];
        long it = 0;
        var stop = false;
        while (!stop && UsedRoutes() > lowerBound)
        {
            // Even the first re-insertion changes the plan: none at all when no iteration or work is allowed.
            if (_work >= budget || (maxIterations is { } cap && it >= cap) || ct.IsCancellationRequested)
            {
                break;
            }
            var target = PickRouteToEmpty();
            if (target < 0)
            {
                break;
            }
            _maxRoutes = UsedRoutes() - 1;
            var pool = _routes[target].Select(s => _cp.StepUnit[s]).Distinct().ToList();
            foreach (var u in pool)
            {
                RemoveUnit(u);
            }
            UpdateRouteCost(target);
            pool.AddRange(_unassigned);
            _unassigned.Clear();
            SortByAbsence(pool, absence);
            _noNewLateness = true;
            Recreate(pool);
            Commit();

            var done = false;
            while (true)
            {
                if (ServiceCost() <= referenceService + (1e-7 * Math.Max(1, referenceService)))
                {
                    done = true;
                    break;
                }
                if (_work >= budget || (maxIterations is { } mi && it >= mi) || ct.IsCancellationRequested
                    || ((it & 15) == 0 && clock.Elapsed.TotalSeconds >= wallCapSeconds))
                {
                    stop = true;
                    break;
                }
                it++;
                _work += IterationOverhead;
                var curCount = _unassigned.Count;
                var curAbsence = _unassigned.Sum(u => absence[u] + 1);
                var curTravel = TravelCost();

                var seed = PickByAbsence(_unassigned, absence);
                var removed = Ruin(_cp.UnitFirstStep[seed]);
                var pending = new List<int>(_unassigned);
                _unassigned.Clear();
                SortByAbsence(pending, absence);
                SortForRecreate(removed);
                pending.AddRange(removed);
                Recreate(pending);

                var newCount = _unassigned.Count;
                var newAbsence = _unassigned.Sum(u => absence[u] + 1);
                var feasible = true;
                for (var r = 0; r < _v && feasible; r++)
                {
                    feasible = !double.IsPositiveInfinity(_routeCost[r]);
                }
                // Sideways moves (the same absence) must not lengthen the routes: travel ignored here
                // would leave the annealing a tangled plan it cannot untangle with the fleet capped.
                if (feasible && (newCount < curCount || newAbsence < curAbsence || (newAbsence == curAbsence && TravelCost() <= curTravel)))
                {
                    Commit();
                }
                else
                {
                    Revert();
                }
                foreach (var u in _unassigned)
                {
                    absence[u]++;
                }
            }
            _noNewLateness = false;
            _maxRoutes = int.MaxValue;
            if (!done)
            {
                break;
            }
            complete = _routes.Select(r => (IReadOnlyList<int>)r.ToList()).ToArray();
        }
        _noNewLateness = false;
        _maxRoutes = int.MaxValue;
        LoadRoutes(complete);
        return it;
    }

    /// <summary>A non-empty route with a fixed cost and nothing locked, small ones (fewest units) much more likely.</summary>
    private int PickRouteToEmpty()
    {
        var candidates = new List<(int Route, int Count, double Travel)>();
        for (var r = 0; r < _v; r++)
        {
            if (_routes[r].Count == 0 || _cp.VehicleFixed[r] <= 0 || _cp.LockedCount[r] > 0 || _routes[r].Any(s => _cp.UnitLocked[_cp.StepUnit[s]]))
            {
                continue;
            }
            candidates.Add((r, _routes[r].Count, _routeCost[r]));
        }
        if (candidates.Count == 0)
        {
            return -1;
        }
        candidates.Sort((a, b) => a.Count != b.Count ? a.Count.CompareTo(b.Count) : a.Travel.CompareTo(b.Travel));
        var x = _rng.NextDouble();
        return candidates[(int)(candidates.Count * x * x * x)].Route;
    }

    private void SortByAbsence(List<int> units, long[] absence)
    {
        for (var i = units.Count - 1; i > 0; i--)
        {
            var j = _rng.Next(i + 1);
            (units[i], units[j]) = (units[j], units[i]);
        }
        units.Sort((a, b) => absence[b].CompareTo(absence[a]));
    }

    private int PickByAbsence(List<int> units, long[] absence)
    {
        double total = 0;
        foreach (var u in units)
        {
            total += absence[u] + 1;
        }
        var x = _rng.NextDouble() * total;
        foreach (var u in units)
        {
            x -= absence[u] + 1;
            if (x <= 0)
            {
                return u;
            }
        }
        return units[^1];
    }

    private double Slack(int u)
    {
        var s = _cp.UnitFirstStep[u];
        var last = _cp.UnitIsShipment[u] ? s + 1 : s;
        return _cp.StepHardClose[last] - _cp.StepOpen[s];
    }

    private PlanCost TotalCost()
    {
        double service = 0, fleet = 0, travel = 0;
        for (var r = 0; r < _v; r++)
        {
            if (_routes[r].Count > 0)
            {
                travel += _routeCost[r];
                service += _routeLate[r];
                fleet += _cp.VehicleFixed[r];
            }
        }
        foreach (var u in _unassigned)
        {
            service += _cp.UnitPenalty[u];
        }
        return new PlanCost(service, fleet, travel);
    }

    private void Touch(int r)
    {
        _cache[r].Valid = false;
        if (!_touched[r])
        {
            _touched[r] = true;
            _touchedList.Add(r);
        }
    }

    private void CommitAll()
    {
        for (var r = 0; r < _v; r++)
        {
            _curRoutes[r].Clear();
            _curRoutes[r].AddRange(_routes[r]);
            _curRouteCost[r] = _routeCost[r];
            _curRouteLate[r] = _routeLate[r];
        }
        _curUnassigned.Clear();
        _curUnassigned.AddRange(_unassigned);
        foreach (var r in _touchedList)
        {
            _touched[r] = false;
        }
        _touchedList.Clear();
    }

    private void Commit()
    {
        foreach (var r in _touchedList)
        {
            _curRoutes[r].Clear();
            _curRoutes[r].AddRange(_routes[r]);
            _curRouteCost[r] = _routeCost[r];
            _curRouteLate[r] = _routeLate[r];
            _touched[r] = false;
        }
        _touchedList.Clear();
        _curUnassigned.Clear();
        _curUnassigned.AddRange(_unassigned);
    }

    private void Revert()
    {
        foreach (var r in _touchedList)
        {
            foreach (var s in _routes[r])
            {
                _stepRoute[s] = -1;
            }
        }
        foreach (var u in _unassigned)
        {
            _stepRoute[_cp.UnitFirstStep[u]] = -1;
            if (_cp.UnitIsShipment[u])
            {
                _stepRoute[_cp.UnitFirstStep[u] + 1] = -1;
            }
        }
        foreach (var r in _touchedList)
        {
            _routes[r].Clear();
            _routes[r].AddRange(_curRoutes[r]);
            _routeCost[r] = _curRouteCost[r];
            _routeLate[r] = _curRouteLate[r];
            foreach (var s in _routes[r])
            {
                _stepRoute[s] = r;
            }
            _touched[r] = false;
            _cache[r].Valid = false;
        }
        _touchedList.Clear();
        _unassigned.Clear();
        _unassigned.AddRange(_curUnassigned);
    }

    // ---------------------------------------------------------------- ruin

    /// <summary>Removes strings of stops near a seed step (random among the assigned ones when <paramref name="seedStep"/> is -1).</summary>
    private List<int> Ruin(int seedStep)
    {
        var removed = new List<int>();
        var nonEmpty = 0;
        var steps = 0;
        for (var r = 0; r < _v; r++)
        {
            var removableCount = _routes[r].Count - _cp.LockedCount[r];
            if (removableCount > 0)
            {
                nonEmpty++;
                steps += removableCount;
            }
        }
        if (nonEmpty == 0)
        {
            return removed;
        }
        var avgCard = (double)steps / nonEmpty;
        var lsMax = Math.Min(_settings.MaxStringLength, avgCard);
        var ksMax = (4 * _settings.AverageRemoved / (1 + lsMax)) - 1;
        var ks = (int)Math.Floor((_rng.NextDouble() * ksMax) + 1);

        // A random seed step among the removable assigned steps.
        var seed = seedStep;
        if (seed < 0)
        {
            var guard = 0;
            do
            {
                seed = _rng.Next(_cp.StepCount);
                guard++;
            }
            while ((_stepRoute[seed] < 0 || _cp.UnitLocked[_cp.StepUnit[seed]]) && guard < 1000);
            if (_stepRoute[seed] < 0 || _cp.UnitLocked[_cp.StepUnit[seed]])
            {
                return removed;
            }
        }

        var ruined = new List<int>();
        foreach (var c in _neighbours[seed])
        {
            if (ruined.Count >= ks)
            {
                break;
            }
            var r = _stepRoute[c];
            if (r < 0 || ruined.Contains(r) || _cp.UnitLocked[_cp.StepUnit[c]])
            {
                continue;
            }
            RemoveString(r, c, lsMax, removed);
            ruined.Add(r);
        }
        return removed;
    }

    private void RemoveString(int r, int c, double lsMax, List<int> removed)
    {
        var route = _routes[r];
        var locked = _cp.LockedCount[r];
        var card = route.Count - locked;
        var lMax = Math.Min(card, lsMax);
        var l = (int)Math.Floor((_rng.NextDouble() * lMax) + 1);
        l = Math.Clamp(l, 1, card);
        var pc = route.IndexOf(c);
        var toRemove = new List<int>();
        if (l < card && _rng.NextDouble() < _settings.SplitRate)
        {
            var keep = 1;
            while (l + keep < card && _rng.NextDouble() < _settings.SplitDepth)
            {
                keep++;
            }
            var size = l + keep;
            var startMin = Math.Max(locked, pc - size + 1);
            var startMax = Math.Min(pc, route.Count - size);
            var start = _rng.Next(startMin, startMax + 1);
            var keepAt = start + _rng.Next(0, l + 1);
            for (var i = start; i < start + size; i++)
            {
                if (i < keepAt || i >= keepAt + keep)
                {
                    toRemove.Add(route[i]);
                }
            }
        }
        else
        {
            var startMin = Math.Max(locked, pc - l + 1);
            var startMax = Math.Min(pc, route.Count - l);
            var start = _rng.Next(startMin, startMax + 1);
            for (var i = start; i < start + l; i++)
            {
                toRemove.Add(route[i]);
            }
        }
        var changed = false;
        foreach (var s in toRemove)
        {
            var u = _cp.StepUnit[s];
            if (_cp.UnitLocked[u] || _stepRoute[s] < 0)
            {
                continue;
            }
            RemoveUnit(u);
            removed.Add(u);
            changed = true;
        }
        if (changed)
        {
            UpdateRouteCost(r);
            _work += 3 * _routes[r].Count;
        }
    }

    private void RemoveUnit(int u)
    {
        var s = _cp.UnitFirstStep[u];
        var r = _stepRoute[s];
        _routes[r].Remove(s);
        _stepRoute[s] = -1;
        if (_cp.UnitIsShipment[u])
        {
            _routes[r].Remove(s + 1);
            _stepRoute[s + 1] = -1;
        }
        Touch(r);
    }

    // ---------------------------------------------------------------- recreate

    private void SortForRecreate(List<int> units)
    {
        // Shuffle first so ties are broken at random.
        for (var i = units.Count - 1; i > 0; i--)
        {
            var j = _rng.Next(i + 1);
            (units[i], units[j]) = (units[j], units[i]);
        }
        var pick = _rng.Next(11);
        if (pick < 4)
        {
            return;
        }
        var depot = _cp.VehicleStartLoc[0];
        var m = _cp.Matrices[0];
        if (pick < 8)
        {
            units.Sort((a, b) => Demand(b).CompareTo(Demand(a)));
        }
        else if (pick < 10)
        {
            units.Sort((a, b) => m.Distance(depot, _cp.StepLoc[_cp.UnitFirstStep[b]]).CompareTo(m.Distance(depot, _cp.StepLoc[_cp.UnitFirstStep[a]])));
        }
        else
        {
            units.Sort((a, b) => m.Distance(depot, _cp.StepLoc[_cp.UnitFirstStep[a]]).CompareTo(m.Distance(depot, _cp.StepLoc[_cp.UnitFirstStep[b]])));
        }
    }

    private double Demand(int u)
    {
        double d = 0;
        for (var k = 0; k < _cp.Dims; k++)
        {
            var cap = Math.Max(1, _cp.VehicleCapacity[k]);
            d += (double)_cp.UnitAmount[(u * _cp.Dims) + k] / cap;
        }
        return d;
    }

    private void Recreate(List<int> units)
    {
        foreach (var u in units)
        {
            if (!InsertBest(u))
            {
                _unassigned.Add(u);
            }
        }
    }

    private RouteCache GetCache(int r)
    {
        var c = _cache[r];
        if (c.Valid)
        {
            return c;
        }
        var cp = _cp;
        var route = _routes[r];
        var m = route.Count;
        var D = cp.Dims;
        if (c.Locs.Length < m + 2)
        {
            var size = Math.Max(m + 2, c.Locs.Length * 2);
            c.Locs = new int[size];
            c.Depart = new double[size];
            c.Latest = new double[size];
            c.Load = new long[size * Math.Max(1, D)];
            c.PrefMax = new long[size * Math.Max(1, D)];
        }
        else if (c.Load.Length < (m + 2) * D)
        {
            c.Load = new long[c.Locs.Length * D];
            c.PrefMax = new long[c.Locs.Length * D];
        }
        var T = cp.Matrices[cp.VehicleMatrix[r]];
        c.Locs[0] = cp.VehicleStartLoc[r];
        c.Depart[0] = cp.VehicleShiftStart[r];
        for (var k = 1; k <= m; k++)
        {
            var s = route[k - 1];
            var loc = cp.StepLoc[s];
            c.Locs[k] = loc;
            var start = Math.Max(c.Depart[k - 1] + T.Duration(c.Locs[k - 1], loc), cp.StepOpen[s]);
            c.Depart[k] = start + cp.StepService[s];
        }
        var end = cp.VehicleEndLoc[r];
        c.Locs[m + 1] = end;
        c.Latest[m + 1] = cp.VehicleShiftEnd[r];
        for (var k = m; k >= 1; k--)
        {
            var s = route[k - 1];
            var nextLoc = c.Locs[k + 1];
            var travel = nextLoc >= 0 ? T.Duration(c.Locs[k], nextLoc) : 0;
            c.Latest[k] = Math.Min(cp.StepHardClose[s], c.Latest[k + 1] - travel - cp.StepService[s]);
        }
        for (var d = 0; d < D; d++)
        {
            long initial = 0;
            foreach (var s in route)
            {
                if (cp.StepKinds[s] == StepKind.Job)
                {
                    initial -= cp.StepDelta[(s * D) + d];
                }
            }
            c.Load[d] = initial;
            c.PrefMax[d] = initial;
            for (var k = 1; k <= m; k++)
            {
                var l = c.Load[((k - 1) * D) + d] + cp.StepDelta[(route[k - 1] * D) + d];
                c.Load[(k * D) + d] = l;
                c.PrefMax[(k * D) + d] = Math.Max(c.PrefMax[((k - 1) * D) + d], l);
            }
        }
        c.Valid = true;
        _work += (4 * m) + 8;
        return c;
    }

    // The best insertion's lateness and fixed-cost deltas (its travel delta is InsertBest's bestDelta).
    private double _bestLate;
    private double _bestFixed;

    /// <summary>Whether an insertion with these deltas beats the best so far, lexicographically (lateness, fixed cost, travel).</summary>
    private bool BeatsBest(double late, double fixedAdd, double travel, double bestTravel)
    {
        var c = PlanCost.CompareLevel(late, _bestLate);
        if (c != 0)
        {
            return c < 0;
        }
        c = PlanCost.CompareLevel(fixedAdd, _bestFixed);
        if (c != 0)
        {
            return c < 0;
        }
        return travel < bestTravel;
    }

    private bool InsertBest(int u)
    {
        var cp = _cp;
        var bestDelta = double.PositiveInfinity;
        _bestLate = double.PositiveInfinity;
        _bestFixed = double.PositiveInfinity;
        var canOpen = _maxRoutes == int.MaxValue || UsedRoutes() < _maxRoutes;
        var bestRoute = -1;
        var bestI = -1;
        var bestJ = -1;
        Span<bool> seenEmptyType = cp.VehicleCount <= 512 ? stackalloc bool[cp.VehicleCount] : new bool[cp.VehicleCount];
        var ship = cp.UnitIsShipment[u];
        _work += _v;
        for (var r = 0; r < _v; r++)
        {
            if (!cp.UnitAllowed[(u * _v) + r])
            {
                continue;
            }
            if (_routes[r].Count == 0)
            {
                if (!canOpen)
                {
                    continue;
                }
                var type = cp.VehicleType[r];
                if (seenEmptyType[type])
                {
                    continue;
                }
                seenEmptyType[type] = true;
            }
            if (ship)
            {
                FastPair(u, r, ref bestDelta, ref bestRoute, ref bestI, ref bestJ);
            }
            else
            {
                FastSingle(u, r, ref bestDelta, ref bestRoute, ref bestI, ref bestJ);
            }
        }
        if (bestRoute < 0)
        {
            return false;
        }
        var s = cp.UnitFirstStep[u];
        var route = _routes[bestRoute];
        if (ship)
        {
            route.Insert(bestI, s);
            route.Insert(bestJ + 1, s + 1);
            _stepRoute[s + 1] = bestRoute;
        }
        else
        {
            route.Insert(bestI, s);
        }
        _stepRoute[s] = bestRoute;
        Touch(bestRoute);
        UpdateRouteCost(bestRoute);
        _work += 3 * route.Count;
        if (double.IsPositiveInfinity(_routeCost[bestRoute]))
        {
            // The filters are exact for windows and capacities; anything they miss is undone here.
            RemoveUnit(u);
            UpdateRouteCost(bestRoute);
            return false;
        }
        return true;
    }

    private bool Blink() => _settings.BlinkRate > 0 && _rng.NextDouble() < _settings.BlinkRate;

    private void FastSingle(int u, int r, ref double bestDelta, ref int bestRoute, ref int bestI, ref int bestJ)
    {
        var cp = _cp;
        var c = GetCache(r);
        var route = _routes[r];
        var m = route.Count;
        var D = cp.Dims;
        var s = cp.UnitFirstStep[u];
        var sl = cp.StepLoc[s];
        if (!cp.UnitFitsVehicle(u, r))
        {
            return;
        }
        var T = cp.Matrices[cp.VehicleMatrix[r]];
        var C = cp.CostMatrices[cp.VehicleCostMatrix[r]];
        var L = cp.LocationCount;
        var fixedAdd = m == 0 ? cp.VehicleFixed[r] : 0;
        var open = cp.StepOpen[s];
        var close = cp.StepHardClose[s] + CompiledProblem.Eps;
        var svc = cp.StepService[s];
        for (var k = cp.LockedCount[r]; k <= m; k++)
        {
            _work++;
            var prev = c.Locs[k];
            var next = c.Locs[k + 1];
            var dc = C[(prev * L) + sl];
            if (next >= 0)
            {
                dc += C[(sl * L) + next] - C[(prev * L) + next];
            }
            // (0, fixed, arc delta) is a lexicographic lower bound: lateness only grows.
            if (!BeatsBest(0, fixedAdd, dc, bestDelta))
            {
                continue;
            }
            var capOk = true;
            for (var d = 0; d < D; d++)
            {
                if (c.PrefMax[(k * D) + d] + cp.UnitAmount[(u * D) + d] > cp.VehicleCapacity[(r * D) + d])
                {
                    capOk = false;
                    break;
                }
            }
            if (!capOk)
            {
                break;
            }
            var st = Math.Max(c.Depart[k] + T.Duration(prev, sl), open);
            if (st > close)
            {
                break;
            }
            var arrNext = st + svc + (next >= 0 ? T.Duration(sl, next) : 0);
            var stNext = k < m ? Math.Max(arrNext, cp.StepOpen[route[k]]) : arrNext;
            if (stNext > c.Latest[k + 1] + CompiledProblem.Eps)
            {
                continue;
            }
            if (Blink())
            {
                continue;
            }
            double lateDelta = 0;
            if (_slowPath)
            {
                // The arc delta is exact, lateness needs the full schedule.
                route.Insert(k, s);
                _work += 6 * (m + 1);
                var travel = RouteSimulator.Evaluate(cp, r, route, out _, out var late);
                route.RemoveAt(k);
                var dLate = late - _routeLate[r];
                if (double.IsPositiveInfinity(travel) || (_noNewLateness && PlanCost.CompareLevel(late, _routeLate[r]) > 0)
                    || !BeatsBest(dLate, fixedAdd, travel - _routeCost[r], bestDelta))
                {
                    continue;
                }
                dc = travel - _routeCost[r];
                lateDelta = dLate;
            }
            bestDelta = dc;
            _bestLate = lateDelta;
            _bestFixed = fixedAdd;
            bestRoute = r;
            bestI = k;
            bestJ = k;
        }
    }

    private void FastPair(int u, int r, ref double bestDelta, ref int bestRoute, ref int bestI, ref int bestJ)
    {
        var cp = _cp;
        var c = GetCache(r);
        var route = _routes[r];
        var m = route.Count;
        var D = cp.Dims;
        var p = cp.UnitFirstStep[u];
        var q = p + 1;
        var pl = cp.StepLoc[p];
        var ql = cp.StepLoc[q];
        if (!cp.UnitFitsVehicle(u, r))
        {
            return;
        }
        var T = cp.Matrices[cp.VehicleMatrix[r]];
        var C = cp.CostMatrices[cp.VehicleCostMatrix[r]];
        var L = cp.LocationCount;
        var fixedAdd = m == 0 ? cp.VehicleFixed[r] : 0;
        for (var i = cp.LockedCount[r]; i <= m; i++)
        {
            var prev = c.Locs[i];
            var nextI = c.Locs[i + 1];
            // Capacity at the pick-up.
            var capOk = true;
            for (var d = 0; d < D; d++)
            {
                if (c.Load[(i * D) + d] + cp.UnitAmount[(u * D) + d] > cp.VehicleCapacity[(r * D) + d])
                {
                    capOk = false;
                    break;
                }
            }
            if (!capOk)
            {
                continue;
            }
            var stP = Math.Max(c.Depart[i] + T.Duration(prev, pl), cp.StepOpen[p]);
            if (stP > cp.StepHardClose[p] + CompiledProblem.Eps)
            {
                break;
            }
            var depP = stP + cp.StepService[p];
            var curLoc = pl;
            var curDep = depP;
            var dcP = C[(prev * L) + pl] + (nextI >= 0 ? C[(pl * L) + nextI] - C[(prev * L) + nextI] : 0);
            for (var j = i; j <= m; j++)
            {
                _work++;
                if (j > i)
                {
                    // Pass original position j with the pick-up's delay.
                    var sj = route[j - 1];
                    var stj = Math.Max(curDep + T.Duration(curLoc, c.Locs[j]), cp.StepOpen[sj]);
                    if (stj > c.Latest[j] + CompiledProblem.Eps)
                    {
                        break;
                    }
                    var over = false;
                    for (var d = 0; d < D; d++)
                    {
                        if (c.Load[(j * D) + d] + cp.UnitAmount[(u * D) + d] > cp.VehicleCapacity[(r * D) + d])
                        {
                            over = true;
                            break;
                        }
                    }
                    if (over)
                    {
                        break;
                    }
                    curLoc = c.Locs[j];
                    curDep = stj + cp.StepService[sj];
                }
                var next = c.Locs[j + 1];
                double dc;
                if (j == i)
                {
                    dc = C[(prev * L) + pl] + C[(pl * L) + ql] - (next >= 0 ? C[(prev * L) + next] : 0) + (next >= 0 ? C[(ql * L) + next] : 0);
                }
                else
                {
                    dc = dcP + C[(curLoc * L) + ql] + (next >= 0 ? C[(ql * L) + next] - C[(curLoc * L) + next] : 0);
                }
                var stQ = Math.Max(curDep + T.Duration(curLoc, ql), cp.StepOpen[q]);
                if (stQ > cp.StepHardClose[q] + CompiledProblem.Eps)
                {
                    break;
                }
                if (!BeatsBest(0, fixedAdd, dc, bestDelta))
                {
                    continue;
                }
                var arrNext = stQ + cp.StepService[q] + (next >= 0 ? T.Duration(ql, next) : 0);
                var stNext = j < m ? Math.Max(arrNext, cp.StepOpen[route[j]]) : arrNext;
                if (stNext > c.Latest[j + 1] + CompiledProblem.Eps)
                {
                    continue;
                }
                if (Blink())
                {
                    continue;
                }
                double lateDelta = 0;
                if (_slowPath)
                {
                    route.Insert(i, p);
                    route.Insert(j + 1, q);
                    _work += 6 * (m + 2);
                    var travel = RouteSimulator.Evaluate(cp, r, route, out _, out var late);
                    route.RemoveAt(j + 1);
                    route.RemoveAt(i);
                    var dLate = late - _routeLate[r];
                    if (double.IsPositiveInfinity(travel) || (_noNewLateness && PlanCost.CompareLevel(late, _routeLate[r]) > 0)
                        || !BeatsBest(dLate, fixedAdd, travel - _routeCost[r], bestDelta))
                    {
                        continue;
                    }
                    dc = travel - _routeCost[r];
                    lateDelta = dLate;
                }
                bestDelta = dc;
                _bestLate = lateDelta;
                _bestFixed = fixedAdd;
                bestRoute = r;
                bestI = i;
                bestJ = j;
            }
        }
    }
}
