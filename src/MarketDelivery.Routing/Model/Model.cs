namespace MarketDelivery.Routing.Model;

/// <summary>
/// A place a courier can be: a market hand-over point, a customer, a courier's current position.
/// Coordinates are WGS84 degrees for the great-circle and OSRM sources; the Euclidean benchmark
/// source reads <see cref="Longitude"/> as x and <see cref="Latitude"/> as y.
/// </summary>
public sealed record Location(string Id, double Longitude, double Latitude);

/// <summary>A closed interval of time, in seconds from the problem's epoch.</summary>
public sealed record TimeWindow(double Start, double End)
{
    public static readonly TimeWindow Always = new(0, double.MaxValue);
    [System.Text.Json.Serialization.JsonIgnore]
    public double Length => End - Start;
}

/// <summary>How a visit's window is enforced.</summary>
public enum WindowPolicy
{
    /// <summary>Service must start inside the window or the visit is not made.</summary>
    Hard,
    /// <summary>Service may start after the window's end at <see cref="Visit.LatenessCostPerMinute"/>.</summary>
    Soft,
}

/// <summary>How a courier moves; picks the speed and the travel matrix.</summary>
public enum TravelMode
{
    Walk,
    Bicycle,
    Scooter,
    Car,
}

/// <summary>
/// One stop to make: where, how long the hand-over takes, and when it may start.
/// A soft window still has a hard limit: <see cref="MaxLatenessSeconds"/> after its end
/// (unbounded when null, i.e. up to the courier's shift end).
/// A soft window may also keep a margin: service starting in its last <see cref="MarginSeconds"/>
/// costs <see cref="MarginCostPerMinute"/> per minute inside them (graded lateness: slack worth
/// keeping, cheaper than lateness, which is charged on top past the end). Both are service costs.
/// A soft window may also price being late at all: <see cref="LateFixedCost"/> once when service starts after the
/// window ends, besides the per-minute cost (so a plan weighs how many visits are late, not only by how much).
/// </summary>
public sealed record Visit(
    string LocationId,
    double ServiceSeconds = 0,
    TimeWindow? Window = null,
    WindowPolicy Policy = WindowPolicy.Hard,
    double LatenessCostPerMinute = 0,
    double? MaxLatenessSeconds = null,
    double MarginSeconds = 0,
    double MarginCostPerMinute = 0,
    double LateFixedCost = 0);

/// <summary>
/// Per-vehicle cost coefficients. The objective adds, over every used route, the fixed cost, the
/// travel distance times <see cref="PerKm"/>/1000 and the travel time (not waiting) times
/// <see cref="PerHour"/>/3600.
/// </summary>
public sealed record VehicleCosts(double Fixed = 0, double PerHour = 0, double PerKm = 1000)
{
    /// <summary>The default: cost = distance in the travel source's unit (metres; plane units for benchmarks).</summary>
    public static readonly VehicleCosts DistanceOnly = new();
}

/// <summary>
/// A courier. <see cref="EndLocationId"/> null means the route ends at its last stop.
/// <see cref="Capacity"/> has one entry per problem amount dimension (e.g. grams, bags).
/// </summary>
public sealed record Vehicle(
    string Id,
    string StartLocationId,
    string? EndLocationId,
    TimeWindow Shift,
    IReadOnlyList<long> Capacity,
    TravelMode Mode = TravelMode.Scooter,
    IReadOnlyList<string>? Skills = null,
    VehicleCosts? Costs = null);

/// <summary>
/// A plain delivery (VRPTW): the goods are already on board when the courier starts.
/// <see cref="UnassignedPenalty"/> is what leaving it out of the plan costs; null means the
/// default, which is large enough that a job is left out only if it cannot be served.
/// </summary>
public sealed record Job(
    string Id,
    Visit Delivery,
    IReadOnlyList<long> Amount,
    IReadOnlyList<string>? Skills = null,
    int Priority = 0,
    double? UnassignedPenalty = null);

/// <summary>
/// A pick-up at a market (window start = when the bags are ready) and its delivery to the
/// customer, on the same vehicle, pick-up first. <see cref="MaxRideSeconds"/> bounds the time from
/// the end of the pick-up's service to the start of the delivery's service.
/// </summary>
public sealed record Shipment(
    string Id,
    Visit Pickup,
    Visit Delivery,
    IReadOnlyList<long> Amount,
    double? MaxRideSeconds = null,
    IReadOnlyList<string>? Skills = null,
    int Priority = 0,
    double? UnassignedPenalty = null);

/// <summary>Which visit of a job or shipment a route step is.</summary>
public enum StepKind
{
    /// <summary>The only visit of a plain <see cref="Job"/>.</summary>
    Job,
    Pickup,
    Delivery,
}

/// <summary>A reference to one visit, used in warm starts.</summary>
public sealed record StepRef(string Id, StepKind Kind);

/// <summary>
/// A route from a previous plan. The first <see cref="LockedCount"/> steps (done, or on board)
/// stay on this vehicle, in this order, at the start of its route.
/// </summary>
public sealed record InitialRoute(string VehicleId, IReadOnlyList<StepRef> Steps, int LockedCount = 0);

/// <summary>
/// Everything the solver needs, as plain immutable data. All times are seconds from an epoch the
/// caller chooses (dispatch uses the start of the service day); amounts are integers per dimension.
/// </summary>
public sealed record RoutingProblem(
    IReadOnlyList<string> AmountDimensions,
    IReadOnlyList<Location> Locations,
    IReadOnlyList<Vehicle> Vehicles,
    IReadOnlyList<Job> Jobs,
    IReadOnlyList<Shipment> Shipments,
    IReadOnlyList<InitialRoute>? InitialRoutes = null)
{
    /// <summary>Default penalty for leaving one job out: dominant over any route cost we expect.</summary>
    public const double DefaultUnassignedPenalty = 1_000_000;
}
