using Google.OrTools.ConstraintSolver;
using Google.Protobuf.WellKnownTypes;

namespace MarketDelivery.Routing.Solving;

/// <summary>
/// The problem as an OR-Tools routing model. Times are scaled to integers by
/// <see cref="TimeScale"/> with travel times rounded up (a plan OR-Tools finds feasible stays
/// feasible in double precision); costs by <see cref="CostScale"/>.
/// </summary>
internal sealed class OrToolsStage
{
    public const double TimeScale = 100;
    public const double CostScale = 1000;
    private const double MaxHorizonSeconds = 14 * 86400;
    private const long UnreachableCost = 1L << 50;

    private readonly CompiledProblem _cp;
    // Every callback delegate stays referenced here until the model is gone.
    private readonly List<object> _keepAlive = [];

    public OrToolsStage(CompiledProblem cp)
    {
        _cp = cp;
    }

    public sealed record Result(int[][]? Routes, string Status, double Seconds);

    public enum Mode
    {
        /// <summary>Stop at the first solution (first-solution heuristic only).</summary>
        FirstSolution,
        /// <summary>First solution then guided local search until the time limit.</summary>
        GuidedLocalSearch,
    }

    public Result Solve(Mode mode, FirstSolutionStrategy.Types.Value strategy, double timeLimitSeconds, double lambda,
        int[][]? warmStart, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var cp = _cp;
        var S = cp.StepCount;
        var V = cp.VehicleCount;
        var nodeCount = S + (2 * V);
        var starts = new int[V];
        var ends = new int[V];
        for (var v = 0; v < V; v++)
        {
            starts[v] = S + v;
            ends[v] = S + V + v;
        }
        using var manager = new RoutingIndexManager(nodeCount, V, starts, ends);
        using var routing = new RoutingModel(manager);
        var solver = routing.solver();

        int NodeLoc(int node) =>
            node < S ? cp.StepLoc[node] : node < S + V ? cp.VehicleStartLoc[node - S] : cp.VehicleEndLoc[node - S - V];

        var L = cp.LocationCount;
        var nodeLoc = new int[nodeCount];
        var nodeService = new long[nodeCount];
        for (var n = 0; n < nodeCount; n++)
        {
            nodeLoc[n] = NodeLoc(n);
            nodeService[n] = n < S ? (long)Math.Round(cp.StepService[n] * TimeScale) : 0;
        }

        // Arc costs, one evaluator per cost matrix.
        var costCallbacks = new int[cp.CostMatrices.Length];
        for (var c = 0; c < cp.CostMatrices.Length; c++)
        {
            var matrix = cp.CostMatrices[c];
            LongLongToLong cb = (from, to) =>
            {
                var a = nodeLoc[manager.IndexToNode(from)];
                var b = nodeLoc[manager.IndexToNode(to)];
                if (a < 0 || b < 0)
                {
                    return 0;
                }
                var cost = matrix[(a * L) + b] * CostScale;
                return double.IsFinite(cost) && cost < UnreachableCost ? (long)Math.Round(cost) : UnreachableCost;
            };
            _keepAlive.Add(cb);
            costCallbacks[c] = routing.RegisterTransitCallback(cb);
        }
        for (var v = 0; v < V; v++)
        {
            routing.SetArcCostEvaluatorOfVehicle(costCallbacks[cp.VehicleCostMatrix[v]], v);
            if (cp.VehicleFixed[v] > 0)
            {
                routing.SetFixedCostOfVehicle((long)Math.Round(cp.VehicleFixed[v] * CostScale), v);
            }
        }

        var unreachableTime = (long)Math.Ceiling(2 * MaxHorizonSeconds * TimeScale);

        // Time: travel (rounded up) plus the service at the origin.
        var timeCallbacks = new int[cp.Matrices.Length];
        for (var mi = 0; mi < cp.Matrices.Length; mi++)
        {
            var m = cp.Matrices[mi];
            LongLongToLong cb = (from, to) =>
            {
                var fn = manager.IndexToNode(from);
                var a = nodeLoc[fn];
                var b = nodeLoc[manager.IndexToNode(to)];
                var seconds = a < 0 || b < 0 ? 0 : m.Duration(a, b);
                // An unreachable pair (OSRM null: +infinity) gets a transit above the horizon: never feasible.
                var travel = double.IsFinite(seconds) && seconds < MaxHorizonSeconds ? (long)Math.Ceiling((seconds * TimeScale) - 1e-9) : unreachableTime;
                return travel + nodeService[fn];
            };
            _keepAlive.Add(cb);
            timeCallbacks[mi] = routing.RegisterTransitCallback(cb);
        }
        var horizonSeconds = Math.Min(MaxHorizonSeconds, cp.VehicleShiftEnd.Max());
        var horizon = (long)Math.Ceiling(horizonSeconds * TimeScale);
        var vehicleTime = Enumerable.Range(0, V).Select(v => timeCallbacks[cp.VehicleMatrix[v]]).ToArray();
        routing.AddDimensionWithVehicleTransits(vehicleTime, horizon, horizon, false, "Time");
        var time = routing.GetMutableDimension("Time");
        long Scale(double seconds) => (long)Math.Floor(Math.Min(seconds, horizonSeconds) * TimeScale);
        for (var s = 0; s < S; s++)
        {
            var idx = manager.NodeToIndex(s);
            var lo = (long)Math.Ceiling(cp.StepOpen[s] * TimeScale);
            var hi = Scale(cp.StepHardClose[s]);
            time.CumulVar(idx).SetRange(Math.Min(lo, hi), hi);
            // OR-Tools' soft bounds are linear: a late visit's fixed cost is left to the search after this stage.
            if (cp.StepSoftClose[s] < cp.StepHardClose[s] && cp.StepLateCostPerSecond[s] > 0)
            {
                var coef = Math.Max(1, (long)Math.Round(cp.StepLateCostPerSecond[s] / TimeScale * CostScale));
                time.SetCumulVarSoftUpperBound(idx, Scale(cp.StepSoftClose[s]), coef);
            }
        }
        for (var v = 0; v < V; v++)
        {
            var st = Scale(cp.VehicleShiftStart[v]);
            time.CumulVar(routing.Start(v)).SetRange(st, st);
            time.CumulVar(routing.End(v)).SetRange(st, Scale(cp.VehicleShiftEnd[v]));
            routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(v)));
        }

        // Capacities: plain jobs count what has been delivered; with shipments the load is signed
        // and the start cumul (goods on board) is free.
        var D = cp.Dims;
        for (var d = 0; d < D; d++)
        {
            var dim = d;
            var signed = cp.HasShipments;
            LongToLong cb = index =>
            {
                var node = manager.IndexToNode(index);
                if (node >= S)
                {
                    return 0;
                }
                var delta = cp.StepDelta[(node * D) + dim];
                return signed ? delta : -delta;
            };
            _keepAlive.Add(cb);
            var cbi = routing.RegisterUnaryTransitCallback(cb);
            var caps = Enumerable.Range(0, V).Select(v => cp.VehicleCapacity[(v * D) + dim]).ToArray();
            routing.AddDimensionWithVehicleCapacity(cbi, 0, caps, !signed, "Amount" + d);
        }

        // Shipments, penalties, skills.
        for (var u = 0; u < cp.UnitCount; u++)
        {
            var first = manager.NodeToIndex(cp.UnitFirstStep[u]);
            var penalty = (long)Math.Min(long.MaxValue / 8, Math.Round(cp.UnitPenalty[u] * CostScale));
            var allowed = Enumerable.Range(0, V).Where(v => cp.UnitAllowed[(u * V) + v]).ToArray();
            var allowedOrNone = allowed.Select(v => (long)v).Append(-1L).ToArray();
            if (cp.UnitIsShipment[u])
            {
                var second = manager.NodeToIndex(cp.UnitFirstStep[u] + 1);
                routing.AddPickupAndDelivery(first, second);
                solver.Add(routing.VehicleVar(first) == routing.VehicleVar(second));
                solver.Add(time.CumulVar(first) <= time.CumulVar(second));
                if (cp.UnitMaxRide[u] < double.MaxValue)
                {
                    var limit = (long)Math.Floor((cp.UnitMaxRide[u] + cp.StepService[cp.UnitFirstStep[u]]) * TimeScale);
                    solver.Add(time.CumulVar(second) - time.CumulVar(first) <= limit);
                }
                if (!cp.UnitLocked[u])
                {
                    routing.AddDisjunction([first], penalty / 2);
                    routing.AddDisjunction([second], penalty - (penalty / 2));
                }
                if (allowed.Length < V)
                {
                    routing.VehicleVar(first).SetValues(allowedOrNone);
                    routing.VehicleVar(second).SetValues(allowedOrNone);
                }
            }
            else
            {
                if (!cp.UnitLocked[u])
                {
                    routing.AddDisjunction([first], penalty);
                }
                if (allowed.Length < V)
                {
                    routing.VehicleVar(first).SetValues(allowedOrNone);
                }
            }
        }

        // Locked prefixes: fixed successors from the vehicle start.
        for (var v = 0; v < V; v++)
        {
            var locked = cp.LockedCount[v];
            var prev = routing.Start(v);
            for (var i = 0; i < locked; i++)
            {
                var idx = manager.NodeToIndex(cp.InitialSteps[v][i]);
                routing.NextVar(prev).SetValue(idx);
                routing.VehicleVar(idx).SetValue(v);
                prev = idx;
            }
            for (var i = locked; i < cp.InitialSteps[v].Length; i++)
            {
                if (cp.UnitLocked[cp.StepUnit[cp.InitialSteps[v][i]]])
                {
                    routing.VehicleVar(manager.NodeToIndex(cp.InitialSteps[v][i])).SetValue(v);
                }
            }
        }

        var parameters = operations_research_constraint_solver.DefaultRoutingSearchParameters();
        parameters.FirstSolutionStrategy = strategy;
        parameters.TimeLimit = Duration.FromTimeSpan(TimeSpan.FromSeconds(Math.Max(0.01, timeLimitSeconds)));
        if (mode == Mode.FirstSolution)
        {
            parameters.SolutionLimit = 1;
        }
        else
        {
            parameters.LocalSearchMetaheuristic = LocalSearchMetaheuristic.Types.Value.GuidedLocalSearch;
            parameters.GuidedLocalSearchLambdaCoefficient = lambda;
        }

        using var registration = ct.Register(routing.CancelSearch);
        Assignment? solution;
        if (warmStart is not null && warmStart.Any(r => r.Length > 0))
        {
            routing.CloseModelWithParameters(parameters);
            var routes = warmStart.Select(r => r.Select(s => manager.NodeToIndex(s)).ToArray()).ToArray();
            var initial = routing.ReadAssignmentFromRoutes(routes, true);
            solution = initial is null ? routing.SolveWithParameters(parameters) : routing.SolveFromAssignmentWithParameters(initial, parameters);
        }
        else
        {
            solution = routing.SolveWithParameters(parameters);
        }
        var status = routing.GetStatus().ToString();
        if (solution is null)
        {
            return new Result(null, status, started.Elapsed.TotalSeconds);
        }
        var result = new int[V][];
        for (var v = 0; v < V; v++)
        {
            var list = new List<int>();
            var index = solution.Value(routing.NextVar(routing.Start(v)));
            while (!routing.IsEnd(index))
            {
                list.Add(manager.IndexToNode(index));
                index = solution.Value(routing.NextVar(index));
            }
            result[v] = list.ToArray();
        }
        GC.KeepAlive(_keepAlive);
        return new Result(result, status, started.Elapsed.TotalSeconds);
    }
}
