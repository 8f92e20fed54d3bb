using System.Diagnostics;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Solving;

/// <summary>
/// Our improvement phase: slack induction by string removals (ruin adjacent strings of stops in a
/// few routes, re-insert the removed units by cheapest feasible insertion with blinks) under
/// simulated annealing. Seeded and bounded by a work budget, so a run is reproducible.
/// All times and costs in double precision, with the same schedule as <see cref="RouteSimulator"/>.
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
    private readonly double[] _routeCost;
    private readonly int[] _stepRoute;
    private readonly List<int> _unassigned = [];

    // Accepted (current) solution.
    private readonly List<int>[] _curRoutes;
    private readonly double[] _curRouteCost;
    private readonly List<int> _curUnassigned = [];
    private double _curCost;

    // Best solution.
    private List<int>[] _bestRoutes;
    private double _bestCost;

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
        _curRouteCost = new double[_v];
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

    /// <summary>Runs the search from the given routes (unlisted units start unassigned).</summary>
    public List<int>[] Run(int[][] initial, long workBudget, long? maxIterations, Stopwatch clock, double wallCapSeconds, CancellationToken ct)
    {
        var assigned = new bool[_cp.UnitCount];
        Array.Fill(_stepRoute, -1);
        for (var r = 0; r < _v; r++)
        {
            _routes[r].Clear();
            _routes[r].AddRange(initial[r]);
            foreach (var s in initial[r])
            {
                _stepRoute[s] = r;
                assigned[_cp.StepUnit[s]] = true;
            }
            _routeCost[r] = RouteSimulator.Cost(_cp, r, _routes[r], out _);
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

        var assignedSteps = _routes.Sum(r => r.Count);
        var usedRoutes = Math.Max(1, _routes.Count(r => r.Count > 0));
        var arcCost = _routes.Select((r, i) => r.Count > 0 ? _routeCost[i] - _cp.VehicleFixed[i] : 0).Sum();
        var meanArc = assignedSteps > 0 ? Math.Max(1e-9, arcCost / (assignedSteps + usedRoutes)) : 1;
        var t0 = _settings.StartTemperature * meanArc;
        var tf = _settings.EndTemperature * meanArc;

        var removable = Enumerable.Range(0, _cp.UnitCount).Count(u => !_cp.UnitLocked[u]);
        if (removable == 0 || workBudget <= 0)
        {
            StoppedBy = "nothing to improve";
            return _bestRoutes;
        }

        _work = 0;
        long it = 0;
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
            var fraction = Math.Min(1.0, (double)_work / workBudget);
            var temperature = t0 * Math.Pow(tf / t0, fraction);

            var removed = Ruin();
            removed.AddRange(_unassigned);
            _unassigned.Clear();
            SortForRecreate(removed);
            Recreate(removed);
            var newCost = TotalCost();
            if (newCost < _curCost - (temperature * Math.Log(_rng.NextDouble())))
            {
                Commit();
                _curCost = newCost;
                if (newCost < _bestCost - 1e-9)
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

    public double BestCost => _bestCost;

    private double Slack(int u)
    {
        var s = _cp.UnitFirstStep[u];
        var last = _cp.UnitIsShipment[u] ? s + 1 : s;
        return _cp.StepHardClose[last] - _cp.StepOpen[s];
    }

    private double TotalCost()
    {
        double c = 0;
        for (var r = 0; r < _v; r++)
        {
            c += _routeCost[r];
        }
        foreach (var u in _unassigned)
        {
            c += _cp.UnitPenalty[u];
        }
        return c;
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

    private List<int> Ruin()
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
        int seed;
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
            _routeCost[r] = RouteSimulator.Cost(_cp, r, _routes[r], out _);
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

    private bool InsertBest(int u)
    {
        var cp = _cp;
        var bestDelta = double.PositiveInfinity;
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
        _routeCost[bestRoute] = RouteSimulator.Cost(cp, bestRoute, route, out _);
        _work += 3 * route.Count;
        if (double.IsPositiveInfinity(_routeCost[bestRoute]))
        {
            // The filters are exact for windows and capacities; anything they miss is undone here.
            RemoveUnit(u);
            _routeCost[bestRoute] = RouteSimulator.Cost(cp, bestRoute, route, out _);
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
            var dc = C[(prev * L) + sl] + fixedAdd;
            if (next >= 0)
            {
                dc += C[(sl * L) + next] - C[(prev * L) + next];
            }
            if (dc >= bestDelta)
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
            if (_slowPath)
            {
                // The arc delta is a lower bound (lateness only grows); the exact delta needs the full schedule.
                route.Insert(k, s);
                _work += 6 * (m + 1);
                var exact = RouteSimulator.Cost(cp, r, route, out _) - _routeCost[r];
                route.RemoveAt(k);
                if (!(exact < bestDelta))
                {
                    continue;
                }
                dc = exact;
            }
            bestDelta = dc;
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
                dc += fixedAdd;
                var stQ = Math.Max(curDep + T.Duration(curLoc, ql), cp.StepOpen[q]);
                if (stQ > cp.StepHardClose[q] + CompiledProblem.Eps)
                {
                    break;
                }
                if (dc >= bestDelta)
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
                if (_slowPath)
                {
                    route.Insert(i, p);
                    route.Insert(j + 1, q);
                    _work += 6 * (m + 2);
                    var exact = RouteSimulator.Cost(cp, r, route, out _) - _routeCost[r];
                    route.RemoveAt(j + 1);
                    route.RemoveAt(i);
                    if (!(exact < bestDelta))
                    {
                        continue;
                    }
                    dc = exact;
                }
                bestDelta = dc;
                bestRoute = r;
                bestI = i;
                bestJ = j;
            }
        }
    }
}
