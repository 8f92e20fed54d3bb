using MarketDelivery.Routing.Model;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Routing.Solving;

/// <summary>
/// The problem flattened into arrays for the search. Units are the things assigned as a whole
/// (a job: one step; a shipment: pick-up step then delivery step).
/// </summary>
internal sealed class CompiledProblem
{
    public const double Eps = 1e-7;

    public required RoutingProblem Source { get; init; }
    public int Dims { get; init; }

    // Steps.
    public int StepCount { get; init; }
    public required int[] StepLoc { get; init; }
    public required double[] StepService { get; init; }
    public required double[] StepOpen { get; init; }
    public required double[] StepHardClose { get; init; }
    public required double[] StepSoftClose { get; init; }
    public required double[] StepLateCostPerSecond { get; init; }
    /// <summary>Charged once when a soft window's service starts after it closes (0 for hard windows).</summary>
    public required double[] StepLateFixedCost { get; init; }
    /// <summary>Where a soft window's margin starts (its soft close when it has none).</summary>
    public required double[] StepMarginOpen { get; init; }
    public required double[] StepMarginCostPerSecond { get; init; }

    /// <summary>The service cost of starting step <paramref name="s"/> at <paramref name="start"/>: margin, then lateness (fixed, then per second).</summary>
    public double LateCost(int s, double start)
    {
        if (!(start > StepMarginOpen[s]))
        {
            return 0;
        }
        var soft = StepSoftClose[s];
        var cost = (Math.Min(start, soft) - StepMarginOpen[s]) * StepMarginCostPerSecond[s];
        if (!(start > soft))
        {
            return cost;
        }
        // The fixed price only past a rounding error, as the validator counts it.
        var fixedCost = start > soft + Eps ? StepLateFixedCost[s] : 0;
        return cost + fixedCost + ((start - soft) * StepLateCostPerSecond[s]);
    }
    public required StepKind[] StepKinds { get; init; }
    public required int[] StepUnit { get; init; }
    /// <summary>Load change at the step, per dimension (a plain job: minus its amount).</summary>
    public required long[] StepDelta { get; init; }

    // Units.
    public int UnitCount { get; init; }
    public required string[] UnitId { get; init; }
    public required bool[] UnitIsShipment { get; init; }
    public required int[] UnitFirstStep { get; init; }
    public required long[] UnitAmount { get; init; }
    public required double[] UnitPenalty { get; init; }
    public required double[] UnitMaxRide { get; init; }
    public required int[] UnitPriority { get; init; }
    /// <summary>UnitAllowed[u * VehicleCount + v]: the vehicle has every skill the unit needs.</summary>
    public required bool[] UnitAllowed { get; init; }

    // Vehicles.
    public int VehicleCount { get; init; }
    public required string[] VehicleId { get; init; }
    public required int[] VehicleStartLoc { get; init; }
    /// <summary>-1: the route ends at its last stop.</summary>
    public required int[] VehicleEndLoc { get; init; }
    public required double[] VehicleShiftStart { get; init; }
    public required double[] VehicleShiftEnd { get; init; }
    public required long[] VehicleCapacity { get; init; }

    /// <summary>True when the unit's amounts fit the vehicle's capacity in every dimension (on an empty vehicle).</summary>
    public bool UnitFitsVehicle(int unit, int vehicle)
    {
        for (var d = 0; d < Dims; d++)
        {
            if (UnitAmount[(unit * Dims) + d] > VehicleCapacity[(vehicle * Dims) + d])
            {
                return false;
            }
        }

        return true;
    }
    public required double[] VehicleFixed { get; init; }
    public required int[] VehicleMatrix { get; init; }
    /// <summary>Vehicles with equal type behave identically on an empty route.</summary>
    public required int[] VehicleType { get; init; }
    public required double[][] CostMatrices { get; init; }
    public required int[] VehicleCostMatrix { get; init; }
    public required TravelMatrix[] Matrices { get; init; }
    public required double[] VehiclePerMetre { get; init; }
    public required double[] VehiclePerSecond { get; init; }
    public int LocationCount { get; init; }

    // Warm start.
    public required int[][] InitialSteps { get; init; }
    public required int[] LockedCount { get; init; }
    public required bool[] UnitLocked { get; init; }

    public bool HasSoftWindows { get; init; }
    public bool HasRideLimits { get; init; }
    public bool HasShipments { get; init; }

    public int SecondStep(int unit) => UnitIsShipment[unit] ? UnitFirstStep[unit] + 1 : -1;

    public static CompiledProblem Compile(RoutingProblem p, ITravelMatrixSource travel, CancellationToken ct)
    {
        ProblemChecker.ThrowIfInvalid(p);
        var dims = p.AmountDimensions.Count;
        var locIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < p.Locations.Count; i++)
        {
            locIndex[p.Locations[i].Id] = i;
        }

        var modes = p.Vehicles.Select(v => v.Mode).Distinct().ToList();
        var matrices = modes.Select(m => travel.GetMatrix(p.Locations, m, ct)).ToArray();
        foreach (var m in matrices)
        {
            if (m.Size != p.Locations.Count)
            {
                throw new InvalidOperationException("The travel source returned a matrix of the wrong size.");
            }
        }

        var jobs = p.Jobs ?? [];
        var shipments = p.Shipments ?? [];
        var units = jobs.Count + shipments.Count;
        var steps = jobs.Count + (2 * shipments.Count);
        var stepLoc = new int[steps];
        var service = new double[steps];
        var open = new double[steps];
        var hard = new double[steps];
        var soft = new double[steps];
        var lateCost = new double[steps];
        var lateFixed = new double[steps];
        var marginOpen = new double[steps];
        var marginCost = new double[steps];
        var kinds = new StepKind[steps];
        var stepUnit = new int[steps];
        var delta = new long[steps * dims];
        var unitId = new string[units];
        var isShip = new bool[units];
        var first = new int[units];
        var amount = new long[units * dims];
        var penalty = new double[units];
        var maxRide = new double[units];
        var priority = new int[units];
        var V = p.Vehicles.Count;
        var allowed = new bool[units * V];
        var hasSoft = false;

        void SetVisit(int s, Visit v, StepKind kind, int unit)
        {
            stepLoc[s] = locIndex[v.LocationId];
            service[s] = v.ServiceSeconds;
            var w = v.Window ?? TimeWindow.Always;
            open[s] = w.Start;
            if (v.Policy == WindowPolicy.Soft)
            {
                hasSoft = true;
                soft[s] = w.End;
                hard[s] = v.MaxLatenessSeconds is { } ml ? w.End + ml : double.MaxValue;
                lateCost[s] = v.LatenessCostPerMinute / 60.0;
                lateFixed[s] = v.LateFixedCost;
                var margin = Math.Min(v.MarginSeconds, Math.Max(0, w.End - w.Start));
                marginOpen[s] = w.End - margin;
                marginCost[s] = margin > 0 ? v.MarginCostPerMinute / 60.0 : 0;
            }
            else
            {
                soft[s] = w.End;
                hard[s] = w.End;
                marginOpen[s] = w.End;
            }
            kinds[s] = kind;
            stepUnit[s] = unit;
        }

        void SetSkills(int u, IReadOnlyList<string>? skills)
        {
            for (var v = 0; v < V; v++)
            {
                var have = p.Vehicles[v].Skills ?? [];
                allowed[(u * V) + v] = skills is null || skills.All(s => have.Contains(s));
            }
        }

        var s0 = 0;
        for (var j = 0; j < jobs.Count; j++)
        {
            var job = jobs[j];
            SetVisit(s0, job.Delivery, StepKind.Job, j);
            for (var d = 0; d < dims; d++)
            {
                delta[(s0 * dims) + d] = -job.Amount[d];
                amount[(j * dims) + d] = job.Amount[d];
            }
            unitId[j] = job.Id;
            first[j] = s0;
            penalty[j] = job.UnassignedPenalty ?? (RoutingProblem.DefaultUnassignedPenalty * (1 + (job.Priority / 10.0)));
            maxRide[j] = double.MaxValue;
            priority[j] = job.Priority;
            SetSkills(j, job.Skills);
            s0++;
        }
        for (var k = 0; k < shipments.Count; k++)
        {
            var sh = shipments[k];
            var u = jobs.Count + k;
            SetVisit(s0, sh.Pickup, StepKind.Pickup, u);
            SetVisit(s0 + 1, sh.Delivery, StepKind.Delivery, u);
            for (var d = 0; d < dims; d++)
            {
                delta[(s0 * dims) + d] = sh.Amount[d];
                delta[((s0 + 1) * dims) + d] = -sh.Amount[d];
                amount[(u * dims) + d] = sh.Amount[d];
            }
            unitId[u] = sh.Id;
            isShip[u] = true;
            first[u] = s0;
            penalty[u] = sh.UnassignedPenalty ?? (RoutingProblem.DefaultUnassignedPenalty * (1 + (sh.Priority / 10.0)));
            maxRide[u] = sh.MaxRideSeconds ?? double.MaxValue;
            priority[u] = sh.Priority;
            SetSkills(u, sh.Skills);
            s0 += 2;
        }

        var vStart = new int[V];
        var vEnd = new int[V];
        var shiftStart = new double[V];
        var shiftEnd = new double[V];
        var cap = new long[V * dims];
        var fixedCost = new double[V];
        var vMatrix = new int[V];
        var perMetre = new double[V];
        var perSecond = new double[V];
        var costKeys = new List<(int Matrix, double PerMetre, double PerSecond)>();
        var vCost = new int[V];
        var typeKeys = new List<string>();
        var vType = new int[V];
        for (var v = 0; v < V; v++)
        {
            var veh = p.Vehicles[v];
            vStart[v] = locIndex[veh.StartLocationId];
            vEnd[v] = veh.EndLocationId is null ? -1 : locIndex[veh.EndLocationId];
            shiftStart[v] = veh.Shift.Start;
            shiftEnd[v] = veh.Shift.End;
            for (var d = 0; d < dims; d++)
            {
                cap[(v * dims) + d] = veh.Capacity[d];
            }
            var costs = veh.Costs ?? VehicleCosts.DistanceOnly;
            fixedCost[v] = costs.Fixed;
            vMatrix[v] = modes.IndexOf(veh.Mode);
            perMetre[v] = costs.PerKm / 1000.0;
            perSecond[v] = costs.PerHour / 3600.0;
            var key = (vMatrix[v], perMetre[v], perSecond[v]);
            var ci = costKeys.IndexOf(key);
            if (ci < 0)
            {
                ci = costKeys.Count;
                costKeys.Add(key);
            }
            vCost[v] = ci;
            var typeKey = string.Join("|", vStart[v], vEnd[v], shiftStart[v], shiftEnd[v], ci, fixedCost[v],
                string.Join(",", veh.Capacity), string.Join(",", (veh.Skills ?? []).Order(StringComparer.Ordinal)));
            var ti = typeKeys.IndexOf(typeKey);
            if (ti < 0)
            {
                ti = typeKeys.Count;
                typeKeys.Add(typeKey);
            }
            vType[v] = ti;
        }

        var L = p.Locations.Count;
        var costMatrices = new double[costKeys.Count][];
        for (var c = 0; c < costKeys.Count; c++)
        {
            var (mi, pm, ps) = costKeys[c];
            var m = matrices[mi];
            var arr = new double[L * L];
            for (var i = 0; i < L * L; i++)
            {
                arr[i] = (pm * m.RawDistances[i]) + (ps * m.RawDurations[i]);
            }
            costMatrices[c] = arr;
        }

        // Warm start.
        var stepOf = new Dictionary<StepRef, int>();
        for (var j = 0; j < jobs.Count; j++)
        {
            stepOf[new StepRef(jobs[j].Id, StepKind.Job)] = first[j];
        }
        for (var k = 0; k < shipments.Count; k++)
        {
            stepOf[new StepRef(shipments[k].Id, StepKind.Pickup)] = first[jobs.Count + k];
            stepOf[new StepRef(shipments[k].Id, StepKind.Delivery)] = first[jobs.Count + k] + 1;
        }
        var initial = new int[V][];
        var locked = new int[V];
        var unitLocked = new bool[units];
        for (var v = 0; v < V; v++)
        {
            initial[v] = [];
        }
        foreach (var r in p.InitialRoutes ?? [])
        {
            var v = Array.IndexOf(p.Vehicles.Select(x => x.Id).ToArray(), r.VehicleId);
            initial[v] = r.Steps.Select(st => stepOf[st]).ToArray();
            locked[v] = r.LockedCount;
            for (var i = 0; i < r.LockedCount; i++)
            {
                unitLocked[stepUnit[initial[v][i]]] = true;
            }
        }
        // A unit with a locked step is fixed as a whole; its other step must be in the same route.
        for (var v = 0; v < V; v++)
        {
            foreach (var s in initial[v].Skip(locked[v]))
            {
                if (unitLocked[stepUnit[s]] && !initial[v].Take(locked[v]).Any(x => stepUnit[x] == stepUnit[s]))
                {
                    throw new RoutingProblemException($"Shipment '{unitId[stepUnit[s]]}' is locked on two vehicles.");
                }
            }
        }
        for (var u = 0; u < units; u++)
        {
            if (!unitLocked[u])
            {
                continue;
            }
            var v = Array.FindIndex(initial, r => r.Take(locked[Array.IndexOf(initial, r)]).Any(x => stepUnit[x] == u));
            if (isShip[u] && !initial[v].Contains(first[u] + 1))
            {
                throw new RoutingProblemException($"Shipment '{unitId[u]}' is locked but its delivery is not on the same route.");
            }
        }

        return new CompiledProblem
        {
            Source = p,
            Dims = dims,
            StepCount = steps,
            StepLoc = stepLoc,
            StepService = service,
            StepOpen = open,
            StepHardClose = hard,
            StepSoftClose = soft,
            StepLateCostPerSecond = lateCost,
            StepLateFixedCost = lateFixed,
            StepMarginOpen = marginOpen,
            StepMarginCostPerSecond = marginCost,
            StepKinds = kinds,
            StepUnit = stepUnit,
            StepDelta = delta,
            UnitCount = units,
            UnitId = unitId,
            UnitIsShipment = isShip,
            UnitFirstStep = first,
            UnitAmount = amount,
            UnitPenalty = penalty,
            UnitMaxRide = maxRide,
            UnitPriority = priority,
            UnitAllowed = allowed,
            VehicleCount = V,
            VehicleId = p.Vehicles.Select(v => v.Id).ToArray(),
            VehicleStartLoc = vStart,
            VehicleEndLoc = vEnd,
            VehicleShiftStart = shiftStart,
            VehicleShiftEnd = shiftEnd,
            VehicleCapacity = cap,
            VehicleFixed = fixedCost,
            VehicleMatrix = vMatrix,
            VehicleType = vType,
            CostMatrices = costMatrices,
            VehicleCostMatrix = vCost,
            Matrices = matrices,
            VehiclePerMetre = perMetre,
            VehiclePerSecond = perSecond,
            LocationCount = L,
            InitialSteps = initial,
            LockedCount = locked,
            UnitLocked = unitLocked,
            HasSoftWindows = hasSoft,
            HasRideLimits = shipments.Any(s => s.MaxRideSeconds is not null),
            HasShipments = shipments.Count > 0,
        };
    }
}
