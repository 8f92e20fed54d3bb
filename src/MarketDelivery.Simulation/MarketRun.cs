using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Simulation;

public enum OrderStatus
{
    NotPlaced,
    Picking,
    Ready,
    OnBoard,
    Delivered,
}

/// <summary>An order's live state inside one run.</summary>
public sealed class OrderState(SimOrder spec)
{
    public SimOrder Spec { get; } = spec;
    public OrderStatus Status { get; set; }
    public string? CourierId { get; set; }
    public DateTimeOffset? PickedUpAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public bool EverUnassigned { get; set; }
    /// <summary>Baseline: a courier has taken it. Dispatcher: the merchant-late check fired already.</summary>
    public bool Flag { get; set; }
}

/// <summary>A stop a courier is heading for. <see cref="PlannedArrival"/> comes from the plan, if any.</summary>
public sealed record SimStop(SimStopKind Kind, string OrderId, GeoPoint Location, DateTimeOffset? PlannedArrival);

public enum CourierActivity
{
    Idle,
    Travelling,
    /// <summary>At a stop, waiting for the order to be ready or the window to open.</summary>
    Waiting,
    Serving,
}

public sealed record Leg(GeoPoint From, GeoPoint To, DateTimeOffset Depart, DateTimeOffset Arrive, double Metres);

/// <summary>A courier's live state inside one run.</summary>
public sealed class CourierState(SimCourierSpec spec, GeoPoint start, DateTimeOffset t0)
{
    public SimCourierSpec Spec { get; } = spec;
    public Random Noise { get; } = new(spec.NoiseSeed);
    public GeoPoint Position { get; set; } = start;
    public CourierActivity Activity { get; private set; }
    public DateTimeOffset ActivitySince { get; private set; } = t0;
    public Leg? Leg { get; set; }
    public List<SimStop> Pending { get; set; } = [];
    public List<string> OnBoard { get; } = [];
    public int Version { get; set; }
    public double Metres { get; set; }
    /// <summary>Of <see cref="Metres"/>, the ride home after a district's day.</summary>
    public double HomeMetres { get; set; }
    public List<BusyInterval> Busy { get; } = [];
    public List<LegRecord> Legs { get; } = [];
    public List<StopRecord> Stops { get; } = [];

    public void SetActivity(CourierActivity next, DateTimeOffset now)
    {
        if (Activity != CourierActivity.Idle && now > ActivitySince)
        {
            if (Busy.Count > 0 && Busy[^1].End == ActivitySince)
            {
                Busy[^1] = Busy[^1] with { End = now };
            }
            else
            {
                Busy.Add(new BusyInterval(ActivitySince, now));
            }
        }
        Activity = next;
        ActivitySince = now;
    }

    /// <summary>Where the courier is at <paramref name="now"/>: on a leg, linearly between its ends.</summary>
    public GeoPoint PositionAt(DateTimeOffset now)
    {
        if (Activity != CourierActivity.Travelling || Leg is null)
        {
            return Position;
        }
        var f = Fraction(Leg, now);
        return new GeoPoint(Leg.From.Lat + ((Leg.To.Lat - Leg.From.Lat) * f), Leg.From.Lon + ((Leg.To.Lon - Leg.From.Lon) * f));
    }

    public static double Fraction(Leg leg, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(leg);
        var total = (leg.Arrive - leg.Depart).TotalSeconds;
        return total <= 0 ? 1 : Math.Clamp((now - leg.Depart).TotalSeconds / total, 0, 1);
    }
}

/// <summary>Decides who carries what. The baseline and the planner-based dispatcher implement it.</summary>
public abstract class DispatchPolicy
{
    public abstract string Name { get; }
    public virtual void Start(MarketRun run) { }
    public virtual void OrderPlaced(MarketRun run, OrderState order) { }
    public virtual void OrderReady(MarketRun run, OrderState order) { }
    /// <summary>The courier has no stops left.</summary>
    public virtual void CourierIdle(MarketRun run, CourierState courier) { }
    /// <summary>The courier reached <paramref name="stop"/> (before any waiting or service).</summary>
    public virtual void CourierArrived(MarketRun run, CourierState courier, SimStop stop) { }
    public virtual IReadOnlyList<ReplanRecord> Replans => [];
    /// <summary>The courier is at a pickup whose order is not ready: wait (true) or drop the stop and ride on (false).</summary>
    public virtual bool WaitForPickup(MarketRun run, CourierState courier, OrderState order) => true;
}

/// <summary>A delivery slot of one market in a run. Slot ids repeat across markets, so <see cref="Key"/> qualifies them.</summary>
public sealed record RunSlot(string MarketId, BookableSlot Slot)
{
    public string SlotId => Slot.SlotId;
    public DateTimeOffset Start => Slot.Start;
    public DateTimeOffset End => Slot.End;
    public string Key => KeyOf(MarketId, Slot.SlotId);

    public static string KeyOf(string marketId, string slotId) => marketId + "/" + slotId;

    public static string KeyOf(SimOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return KeyOf(order.MarketId, order.SlotId);
    }
}

/// <summary>
/// One market's day, or a district's (markets sharing their couriers), as a discrete-event simulation on a virtual
/// clock. Couriers ride straight-line-times-circuity legs (the planner's own travel model) at their mode's speed
/// times a lognormal noise factor, wait at a stop until the order is ready or the window opens, and spend the
/// planner's service times at each stop. Each order is picked up at its own market's hand-over point; each courier
/// starts at its home market's, and in a district run rides back there when the day is over.
/// </summary>
public sealed class MarketRun
{
    private readonly PriorityQueue<Action, (long Ticks, long Seq)> _events = new();
    private long _seq;
    private readonly GreatCircleTravelSource _travel;
    private readonly double _noiseSigma;
    private readonly Dictionary<string, GeoPoint> _handOver;

    public MarketRun(Market market, IEnumerable<SimOrder> orders, IEnumerable<SimCourierSpec> couriers, DispatchPolicy policy, SimulationOptions options, GreatCircleTravelSource travel)
        : this(market?.Id ?? throw new ArgumentNullException(nameof(market)), [market], orders, couriers, policy, options, travel)
    {
    }

    /// <param name="id">The market's id, or the district's when <paramref name="markets"/> are several.</param>
    public MarketRun(string id, IReadOnlyList<Market> markets, IEnumerable<SimOrder> orders, IEnumerable<SimCourierSpec> couriers, DispatchPolicy policy, SimulationOptions options, GreatCircleTravelSource travel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(markets);
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(couriers);
        ArgumentNullException.ThrowIfNull(options);
        if (markets.Count == 0)
        {
            throw new ArgumentException("A run needs at least one market.", nameof(markets));
        }
        Id = id;
        Markets = markets;
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        Options = options;
        _travel = travel ?? throw new ArgumentNullException(nameof(travel));
        _noiseSigma = options.TravelNoiseSigma;
        _handOver = markets.ToDictionary(m => m.Id, m => m.HandOverPoint.Location, StringComparer.Ordinal);
        // Stable sort: a market alone keeps its slots' order, so its events are scheduled as they always were.
        Slots = markets.SelectMany(m => m.Slots.Select(t => new RunSlot(m.Id, m.SlotOn(options.Date, t)))).OrderBy(s => s.Start).ToList();
        Orders = orders.Select(o => new OrderState(o)).ToList();
        OrdersById = Orders.ToDictionary(o => o.Spec.OrderId, StringComparer.Ordinal);
        var specs = couriers.ToList();
        Start = specs.Count > 0 ? specs.Min(c => c.ShiftStart) : Slots[0].Start;
        Now = Start;
        Couriers = specs.Select(c => new CourierState(c, HandOverOf(c.MarketId), Start)).ToList();
        EndLimit = Slots.Max(s => s.End) + TimeSpan.FromHours(4);
    }

    /// <summary>The market's id, or the district's.</summary>
    public string Id { get; }
    public IReadOnlyList<Market> Markets { get; }
    public DispatchPolicy Policy { get; }
    public SimulationOptions Options { get; }
    /// <summary>Every market's slots, by start time.</summary>
    public IReadOnlyList<RunSlot> Slots { get; }
    public IReadOnlyList<OrderState> Orders { get; }
    public IReadOnlyDictionary<string, OrderState> OrdersById { get; }
    public IReadOnlyList<CourierState> Couriers { get; }
    public DateTimeOffset Start { get; }
    public DateTimeOffset Now { get; private set; }
    public DateTimeOffset EndLimit { get; }
    /// <summary>
    /// Couriers shared by several markets end the day at their home market (a market's own couriers are already
    /// there or in its service area). The planner is told so; a single market's run stays as it always was.
    /// </summary>
    public bool ReturnHome => Markets.Count > 1;
    public static TimeSpan PickupService => TimeSpan.FromMinutes(2);
    public static TimeSpan DeliveryService => TimeSpan.FromMinutes(3);

    /// <summary>The hand-over point of a market of this run.</summary>
    public GeoPoint HandOverOf(string marketId) =>
        _handOver.TryGetValue(marketId, out var p) ? p : throw new ArgumentException($"Market '{marketId}' is not part of run '{Id}'.", nameof(marketId));

    /// <summary>Where a courier starts the day (and, in a district run, ends it): its home market's hand-over point.</summary>
    public GeoPoint HomeOf(CourierState courier)
    {
        ArgumentNullException.ThrowIfNull(courier);
        return HandOverOf(courier.Spec.MarketId);
    }

    public void Schedule(DateTimeOffset at, Action action)
    {
        if (at < Now)
        {
            at = Now;
        }
        _events.Enqueue(action, (at.UtcTicks, _seq++));
    }

    public double Metres(GeoPoint a, GeoPoint b) =>
        GreatCircleTravelSource.HaversineMetres(a.Lon, a.Lat, b.Lon, b.Lat) * _travel.CircuityFactor;

    /// <summary>Runs the day; <paramref name="cancellationToken"/> is checked before each event, so a cut comes within one plan.</summary>
    public void Run(CancellationToken cancellationToken = default)
    {
        foreach (var order in Orders)
        {
            var o = order;
            var placedAt = o.Spec.PlacedAt < Start ? Start : o.Spec.PlacedAt;
            Schedule(placedAt, () =>
            {
                o.Status = OrderStatus.Picking;
                Policy.OrderPlaced(this, o);
            });
            Schedule(o.Spec.ReadyAt < placedAt ? placedAt : o.Spec.ReadyAt, () =>
            {
                if (o.Status == OrderStatus.Picking)
                {
                    o.Status = OrderStatus.Ready;
                }
                Policy.OrderReady(this, o);
            });
        }
        Policy.Start(this);
        Drain(EndLimit, cancellationToken);
        StopAll();
        if (ReturnHome)
        {
            // The day is over (or cut at the end limit): whoever is away rides home, and those kilometres count.
            _events.Clear();
            var before = Couriers.ToDictionary(c => c, c => c.Metres);
            foreach (var c in Couriers.Where(c => Metres(c.Position, HomeOf(c)) >= 1))
            {
                c.Pending = [new SimStop(SimStopKind.Return, string.Empty, HomeOf(c), null)];
                Advance(c);
            }
            Drain(DateTimeOffset.MaxValue, cancellationToken);
            StopAll();
            foreach (var c in Couriers)
            {
                c.HomeMetres = c.Metres - before[c];
            }
        }
    }

    private void Drain(DateTimeOffset until, CancellationToken cancellationToken)
    {
        while (_events.TryDequeue(out var action, out var key))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var at = new DateTimeOffset(key.Ticks, TimeSpan.Zero).ToOffset(Start.Offset);
            if (at > until)
            {
                break;
            }
            Now = at;
            action();
        }
    }

    private void StopAll()
    {
        foreach (var c in Couriers)
        {
            if (c.Activity == CourierActivity.Travelling)
            {
                CutLeg(c);
            }
            c.SetActivity(CourierActivity.Idle, Now);
        }
    }

    /// <summary>Replaces the courier's remaining stops. A courier on a leg turns now unless it already heads for the new first stop.</summary>
    public void SetRoute(CourierState c, List<SimStop> stops)
    {
        ArgumentNullException.ThrowIfNull(c);
        c.Pending = stops ?? throw new ArgumentNullException(nameof(stops));
        switch (c.Activity)
        {
            case CourierActivity.Travelling:
                if (stops.Count > 0 && c.Leg is not null && stops[0].Location == c.Leg.To)
                {
                    return;
                }
                CutLeg(c);
                c.SetActivity(CourierActivity.Idle, Now);
                Advance(c);
                break;
            case CourierActivity.Waiting:
                c.Version++;
                c.SetActivity(CourierActivity.Idle, Now);
                Advance(c);
                break;
            case CourierActivity.Serving:
                break;
            default:
                Advance(c);
                break;
        }
    }

    private void CutLeg(CourierState c)
    {
        var leg = c.Leg!;
        var f = CourierState.Fraction(leg, Now);
        var pos = c.PositionAt(Now);
        c.Metres += leg.Metres * f;
        c.Legs.Add(new LegRecord(leg.From, pos, leg.Depart, Now, leg.Metres * f));
        c.Position = pos;
        c.Leg = null;
        c.Version++;
    }

    private bool StillValid(CourierState c, SimStop s)
    {
        if (s.Kind == SimStopKind.Return)
        {
            return true;
        }
        var o = OrdersById[s.OrderId];
        return s.Kind == SimStopKind.Pickup
            ? o.Status is OrderStatus.Picking or OrderStatus.Ready
            : o.Status == OrderStatus.OnBoard && o.CourierId == c.Spec.CourierId;
    }

    private void Advance(CourierState c)
    {
        if (c.Activity != CourierActivity.Idle)
        {
            return;
        }
        while (c.Pending.Count > 0 && !StillValid(c, c.Pending[0]))
        {
            c.Pending.RemoveAt(0);
        }
        if (c.Pending.Count == 0)
        {
            Policy.CourierIdle(this, c);
            return;
        }
        var stop = c.Pending[0];
        var metres = Metres(c.Position, stop.Location);
        if (metres < 1)
        {
            Arrive(c, stop, notify: true);
            return;
        }
        var noise = Math.Exp(_noiseSigma * WorldGenerator.Normal(c.Noise));
        var seconds = metres / (_travel.SpeedKmh(c.Spec.Mode) / 3.6) * noise;
        var leg = new Leg(c.Position, stop.Location, Now, Now.AddSeconds(seconds), metres);
        c.Leg = leg;
        c.SetActivity(CourierActivity.Travelling, Now);
        var version = ++c.Version;
        Schedule(leg.Arrive, () =>
        {
            if (c.Version != version)
            {
                return;
            }
            c.Metres += leg.Metres;
            c.Legs.Add(new LegRecord(leg.From, leg.To, leg.Depart, Now, leg.Metres));
            c.Position = leg.To;
            c.Leg = null;
            c.SetActivity(CourierActivity.Idle, Now);
            if (c.Pending.Count > 0 && c.Pending[0].Location == c.Position && StillValid(c, c.Pending[0]))
            {
                Arrive(c, c.Pending[0], notify: true);
            }
            else
            {
                Advance(c);
            }
        });
    }

    private void Arrive(CourierState c, SimStop stop, bool notify)
    {
        if (notify)
        {
            Policy.CourierArrived(this, c, stop);
            // The policy may have re-planned (and moved the courier on) in its handler.
            if (c.Activity != CourierActivity.Idle || c.Pending.Count == 0 || !ReferenceEquals(c.Pending[0], stop))
            {
                return;
            }
        }
        if (stop.Kind == SimStopKind.Return)
        {
            c.Pending.RemoveAt(0);
            Advance(c);
            return;
        }
        var order = OrdersById[stop.OrderId];
        if (stop.Kind == SimStopKind.Pickup && order.Status != OrderStatus.Ready && !Policy.WaitForPickup(this, c, order))
        {
            c.Pending.RemoveAt(0);
            Advance(c);
            return;
        }
        DateTimeOffset? waitUntil = stop.Kind == SimStopKind.Pickup
            ? (order.Status == OrderStatus.Ready ? null : order.Spec.ReadyAt)
            : (Now < order.Spec.WindowStart ? order.Spec.WindowStart : null);
        if (waitUntil is { } until)
        {
            c.SetActivity(CourierActivity.Waiting, Now);
            var version = ++c.Version;
            Schedule(until, () =>
            {
                if (c.Version != version)
                {
                    return;
                }
                c.SetActivity(CourierActivity.Idle, Now);
                if (c.Pending.Count > 0 && ReferenceEquals(c.Pending[0], stop) && StillValid(c, stop))
                {
                    Arrive(c, stop, notify: false);
                }
                else
                {
                    Advance(c);
                }
            });
            return;
        }

        c.Pending.RemoveAt(0);
        TimeSpan service;
        if (stop.Kind == SimStopKind.Pickup)
        {
            order.Status = OrderStatus.OnBoard;
            order.CourierId = c.Spec.CourierId;
            order.PickedUpAt = Now;
            c.OnBoard.Add(order.Spec.OrderId);
            service = PickupService;
        }
        else
        {
            order.Status = OrderStatus.Delivered;
            order.DeliveredAt = Now;
            c.OnBoard.Remove(order.Spec.OrderId);
            service = DeliveryService;
        }
        c.Stops.Add(new StopRecord(stop.Kind, stop.OrderId, stop.Location, Now));
        c.SetActivity(CourierActivity.Serving, Now);
        Schedule(Now + service, () =>
        {
            c.SetActivity(CourierActivity.Idle, Now);
            Advance(c);
        });
    }

    /// <summary>Wakes every courier that is idle with no stops (after new work appears).</summary>
    public void WakeIdle()
    {
        foreach (var c in Couriers)
        {
            if (c.Activity == CourierActivity.Idle && c.Pending.Count == 0)
            {
                Policy.CourierIdle(this, c);
            }
        }
    }

    public List<OrderOutcome> OrderOutcomes() =>
        Orders.Select(o => new OrderOutcome(
            o.Spec.OrderId, o.Spec.MarketId, o.Spec.PlacedAt, o.Spec.WindowStart, o.Spec.WindowEnd, o.Spec.Destination,
            o.Spec.ReadyAt, o.PickedUpAt, o.DeliveredAt, o.CourierId, o.EverUnassigned)).ToList();

    public List<CourierOutcome> CourierOutcomes() =>
        Couriers.Select(c => new CourierOutcome(
            c.Spec.CourierId, c.Spec.MarketId, c.Spec.Mode, c.Spec.ShiftStart, c.Spec.ShiftEnd, c.Metres,
            c.Busy.ToList(), c.Legs.ToList(), c.Stops.ToList(), c.HomeMetres)).ToList();
}
