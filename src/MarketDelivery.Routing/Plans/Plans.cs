using MarketDelivery.Routing.Model;

namespace MarketDelivery.Routing.Plans;

/// <summary>What a stop of a route is.</summary>
public enum StopType
{
    Start,
    Job,
    Pickup,
    Delivery,
    End,
}

/// <summary>
/// One stop of a route with its schedule (seconds from the problem epoch), the vehicle's load after
/// it (one entry per amount dimension) and the travel since the previous stop.
/// </summary>
public sealed record Stop(
    StopType Type,
    string? JobId,
    string LocationId,
    double Arrival,
    double ServiceStart,
    double Departure,
    double WaitingSeconds,
    double LatenessSeconds,
    IReadOnlyList<long> Load,
    double DistanceFromPrevious,
    double TravelSecondsFromPrevious);

/// <summary>A vehicle's route: stops from start to end, with totals.</summary>
public sealed record RoutePlan(
    string VehicleId,
    IReadOnlyList<Stop> Stops,
    double Distance,
    double Duration,
    double TravelSeconds,
    double WaitingSeconds,
    double LatenessSeconds,
    double Cost);

/// <summary>Why a job is not in the plan.</summary>
public enum UnassignedReason
{
    /// <summary>No vehicle has every skill the job needs.</summary>
    MissingSkills,
    /// <summary>The job's amount exceeds every eligible vehicle's capacity.</summary>
    NoVehicleWithCapacity,
    /// <summary>Even a vehicle going straight there cannot start service before the window ends.</summary>
    WindowUnreachable,
    /// <summary>The job can be reached but no eligible shift is long enough to serve it and return.</summary>
    ShiftTooShort,
    /// <summary>Even a direct ride from pick-up to delivery exceeds the shipment's maximum ride time.</summary>
    RideTimeTooLong,
    /// <summary>The job fits on an empty vehicle, but not beside the other jobs with the fleet given.</summary>
    FleetFull,
}

public sealed record UnassignedJob(string JobId, bool IsShipment, UnassignedReason Reason, string Message);

/// <summary>
/// The objective's parts, in the problem's cost unit. <see cref="Total"/> is their plain sum, for
/// reporting; the solver ranks plans by unassigned penalty + lateness first, then fixed cost (couriers
/// used), then distance and time costs, lexicographically. <see cref="VehiclesUsed"/> counts the
/// routes with at least one visit.
/// </summary>
public sealed record ObjectiveBreakdown(
    double Total,
    double FixedCost,
    double DistanceCost,
    double TimeCost,
    double LatenessCost,
    double UnassignedPenalty,
    double TotalDistance,
    double TotalTravelSeconds,
    int VehiclesUsed);

/// <summary>How the solve went: phases, work and time used.</summary>
public sealed record SolveSummary(
    SolverStrategy Strategy,
    int Seed,
    double TimeLimitSeconds,
    double WallSeconds,
    double FirstSolutionSeconds,
    string FirstSolution,
    double? FirstSolutionCost,
    long Iterations,
    long WorkUnits,
    string StoppedBy);

/// <summary>The result of a solve.</summary>
public sealed record RoutingPlan(
    IReadOnlyList<RoutePlan> Routes,
    IReadOnlyList<UnassignedJob> Unassigned,
    ObjectiveBreakdown Objective,
    SolveSummary? Summary = null);
