using System.Collections.Immutable;
using System.Diagnostics;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Dispatch;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RoutingMode = MarketDelivery.Routing.Model.TravelMode;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>A live order as the dispatcher tracks it, in memory (rebuilt from the stored orders on activation).</summary>
public sealed class DispatchOrderEntry
{
    public OrderSummary Summary { get; set; } = null!;
    /// <summary>When the bags are (expected to be) at the hand-over point.</summary>
    public DateTimeOffset ExpectedReadyAt { get; set; }
}

/// <summary>How many live orders a slot has, and how many of them wait ready at the hand-over point.</summary>
internal sealed class SlotCount
{
    public int Orders { get; set; }
    public int Ready { get; set; }
}

/// <summary>What the plan in force tells an order: its courier and ETA, or why it has none.</summary>
internal readonly record struct OrderAssignment(string? CourierId, DateTimeOffset? Eta, string? Note);

[GenerateSerializer, Alias("md.WaveEntry")]
public sealed class WaveEntry
{
    [Id(0)] public string SlotId { get; set; } = "";
    [Id(1)] public DateTimeOffset SlotStart { get; set; }
    [Id(2)] public DateTimeOffset SlotEnd { get; set; }
    [Id(3)] public DateTimeOffset ReleaseAt { get; set; }
    [Id(4)] public DateTimeOffset? ReleasedAt { get; set; }
}

/// <summary>
/// What the dispatcher stores: things bounded by the fleet and the day's slots, never by the orders it has seen.
/// Orders live in the order store and are read back on activation; unassigned reasons and violations are
/// recomputed by the next plan. Ids 0, 3 and 8 held those once and are not reused.
/// </summary>
[GenerateSerializer, Alias("md.DispatcherState")]
public sealed class DispatcherState
{
    [Id(1)] public Dictionary<string, CourierDispatchInfo> Couriers { get; set; } = [];
    [Id(2)] public Dictionary<string, WaveEntry> Waves { get; set; } = [];
    [Id(4)] public List<CourierRouteView> Routes { get; set; } = [];
    [Id(5)] public int Replans { get; set; }
    [Id(6)] public DateTimeOffset? LastPlannedAt { get; set; }
    [Id(7)] public double? LastSolveMilliseconds { get; set; }
}

/// <summary>
/// Plans one market's deliveries. Orders are batched per delivery slot into waves released by a reminder (so a
/// release survives a restart) at a lead time before the slot or once enough bags are ready. Any change to a
/// released wave — a new order, a late or short merchant, a delayed courier, a courier leaving — triggers a
/// debounced re-plan that starts from the plan in force, with what couriers carry locked to them. The solve runs
/// on the thread pool, off the grain's turn; its result goes to the couriers (routes) and orders (courier, ETA),
/// retried until each has taken it.
/// Orders tell the dispatcher of changes one-way; it also catches up from the stored orders (the order store's
/// feed) when it activates and on every tick, so a lost message only delays it. Its tick reminder never stops.
/// </summary>
public sealed class DispatcherGrain(
    [PersistentState("dispatcher", "dispatch")] IPersistentState<DispatcherState> state,
    IOrderViews views,
    MarketCatalog catalog,
    MarketClock clock,
    DispatchPlanner planner,
    DispatchRuntimeOptions options,
    IPushNotifier push,
    ILogger<DispatcherGrain> logger) : DurableGrain, IDispatcherGrain, IRemindable
{
    private const string TickReminder = "dispatch-tick";

    /// <summary>How an order update touches the plan.</summary>
    private enum OrderChange { None, Added, Changed, Removed }

    /// <summary>The market's live orders, from the order store and the orders' messages.</summary>
    private readonly Dictionary<string, DispatchOrderEntry> _orders = [];
    /// <summary>Live and ready orders per slot, kept with <see cref="_orders"/> so a change costs the same however many there are.</summary>
    private readonly Dictionary<string, SlotCount> _slots = [];
    /// <summary>Feed position read up to, and the one read up to a tick earlier, from which the next catch-up reads.</summary>
    private long _feedRead;
    private long _feedSafe;

    private DispatchPlan? _plan;
    private List<UnassignedView> _unassigned = [];
    private List<string> _violations = [];
    /// <summary>What the plan in force tells each order, and what each order has acknowledged.</summary>
    private readonly Dictionary<string, OrderAssignment> _assigned = [];
    private readonly Dictionary<string, OrderAssignment> _told = [];
    /// <summary>Couriers whose route from the plan in force has not been acknowledged yet.</summary>
    private readonly HashSet<string> _routesOwed = [];
    private IGrainTimer? _fanOutRetry;

    /// <summary>A wave was added or dropped and is not stored yet.</summary>
    private bool _wavesChanged;

    private IGrainTimer? _replanTimer;
    /// <summary>True when a pending change needs a full re-plan, not just inserting new orders into the plan in force.</summary>
    private bool _fullReplanPending;

    private DispatcherState S => state.State;

    private string MarketId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var live = await views.LiveOrdersOfMarketAsync(MarketId, cancellationToken);
        foreach (var order in live.Orders)
        {
            Apply(order);
        }

        _feedRead = _feedSafe = live.Position;
        await StoreWavesIfChanged();

        // The plan in force may not have reached everyone before the last activation ended: send it again.
        foreach (var route in S.Routes)
        {
            _routesOwed.Add(route.CourierId);
            foreach (var stop in route.Stops.Where(s => s.Kind == RouteStopKind.Delivery))
            {
                _assigned[stop.OrderId] = new OrderAssignment(route.CourierId, stop.Eta, null);
            }
        }

        await EnsureTicking();
        if (_routesOwed.Count > 0)
        {
            RetryFanOutSoon();
        }
    }

    public async Task OrderChanged(OrderSummary order)
    {
        if (order.MarketId == MarketId)
        {
            await React(order, Apply(order));
        }
    }

    /// <summary>Updates the tracked order; adds the wave of a new slot. Idempotent by the order's version.</summary>
    private OrderChange Apply(OrderSummary order)
    {
        _orders.TryGetValue(order.OrderId, out var held);
        var before = held?.Summary;
        if (before is not null && before.Version >= order.Version)
        {
            return OrderChange.None;
        }

        if (!OrderLife.IsLive(order.Status))
        {
            // Delivered, cancelled, or returned to the market (staff send it out again later).
            if (!_orders.Remove(order.OrderId))
            {
                return OrderChange.None;
            }

            Count(before!, -1);
            _unassigned.RemoveAll(u => u.OrderId == order.OrderId);
            _assigned.Remove(order.OrderId);
            _told.Remove(order.OrderId);
            return OrderChange.Removed;
        }

        // The order no longer holds what it was told (a failed delivery cleared its courier and it was sent out again,
        // faster than this dispatcher saw the return): tell it again, even if the new plan says the same.
        if (_told.TryGetValue(order.OrderId, out var told) && told.CourierId != order.CourierId)
        {
            _told.Remove(order.OrderId);
        }

        var entry = held ?? new DispatchOrderEntry();
        entry.Summary = order;
        entry.ExpectedReadyAt = order.ReadyAt ?? Later(entry.ExpectedReadyAt, (order.PlacedAt ?? order.UpdatedAt) + options.ExpectedPickTime);
        _orders[order.OrderId] = entry;
        if (before is not null)
        {
            Count(before, -1);
        }

        Count(order, +1);
        if (!S.Waves.ContainsKey(order.SlotId))
        {
            S.Waves[order.SlotId] = new WaveEntry
            {
                SlotId = order.SlotId,
                SlotStart = order.SlotStart,
                SlotEnd = order.SlotEnd,
                ReleaseAt = options.Waves.ReleaseAt(order.SlotStart),
            };
            _wavesChanged = true;
        }

        return before is null ? OrderChange.Added
            : before.Status != order.Status || before.WeightGrams != order.WeightGrams ? OrderChange.Changed
            : OrderChange.None;
    }

    private void Count(OrderSummary order, int delta)
    {
        var slot = _slots.TryGetValue(order.SlotId, out var held) ? held : _slots[order.SlotId] = new SlotCount();
        slot.Orders += delta;
        slot.Ready += order.Status == OrderStatus.ReadyForPickup ? delta : 0;
    }

    private int OrdersOf(string slotId) => _slots.TryGetValue(slotId, out var slot) ? slot.Orders : 0;

    /// <summary>Plans around an applied change: stores a new wave, re-plans a released wave, releases due waves.</summary>
    private async Task React(OrderSummary order, OrderChange change)
    {
        if (change == OrderChange.None)
        {
            return;
        }

        // The first order of a slot opens its wave, whose release time must survive a restart.
        await StoreWavesIfChanged();
        if (IsReleased(order.SlotId))
        {
            // A change to a released wave: a new order is inserted into the live plan; bags ready, a short pick, a
            // pick-up or an order leaving re-plan it as a whole.
            ScheduleReplan(insertOnly: change == OrderChange.Added);
        }
        else if (change != OrderChange.Removed && await ReleaseDueWaves())
        {
            ScheduleReplan();
        }
    }

    private async Task StoreWavesIfChanged()
    {
        if (_wavesChanged)
        {
            await WriteAsync(state);
            _wavesChanged = false;
        }
    }

    /// <summary>
    /// Reads what the order store holds that the dispatcher may have missed (a message lost in a crash). It reads
    /// from the position of one catch-up ago, so a write whose transaction committed late is still seen.
    /// </summary>
    private async Task CatchUp()
    {
        var from = _feedSafe;
        var read = _feedRead;
        OrderFeed feed;
        do
        {
            feed = await views.ChangesOfMarketAsync(MarketId, from);
            foreach (var order in feed.Orders)
            {
                await React(order, Apply(order));
            }

            from = feed.Position;
            read = Math.Max(read, from);
        }
        while (feed.More);

        _feedSafe = _feedRead;
        _feedRead = read;
    }

    public async Task CourierChanged(CourierDispatchInfo courier)
    {
        S.Couriers.TryGetValue(courier.CourierId, out var held);
        if (held is not null && held.Version >= courier.Version)
        {
            return;
        }

        S.Couriers[courier.CourierId] = courier;
        if (!courier.OnShift)
        {
            S.Couriers.Remove(courier.CourierId);
        }

        await WriteAsync(state);

        var joinedOrLeft = held is null || held.OnShift != courier.OnShift;
        var loadChanged = held is not null && !held.OnBoardOrderIds.SequenceEqual(courier.OnBoardOrderIds);
        if (joinedOrLeft || loadChanged || IsBehindPlan(courier))
        {
            ScheduleReplan();
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Tick();

    public async Task Tick()
    {
        await CatchUp();
        var released = await ReleaseDueWaves();
        var now = clock.GetUtcNow();
        var late = false;

        // A merchant past the expected ready time: assume a further delay and plan around it.
        foreach (var entry in _orders.Values.Where(e => e.Summary.Status is OrderStatus.Placed or OrderStatus.Picking))
        {
            if (IsReleased(entry.Summary.SlotId) && entry.ExpectedReadyAt + options.MerchantLateAllowance < now)
            {
                entry.ExpectedReadyAt = now + options.MerchantLateAllowance;
                late = true;
            }
        }

        foreach (var old in S.Waves.Values.Where(w => w.SlotEnd < now - TimeSpan.FromDays(1) && OrdersOf(w.SlotId) == 0).ToList())
        {
            S.Waves.Remove(old.SlotId);
            _slots.Remove(old.SlotId);
            _wavesChanged = true;
        }

        await StoreWavesIfChanged();
        if (released || late)
        {
            await Replan("tick");
        }
        else if (OwesUpdates())
        {
            await FanOut();
        }
    }

    public async Task<DispatchBoard> PlanNow()
    {
        // Staff (and tests) expect every stored order in the plan, also one whose message has not arrived yet.
        await CatchUp();
        await ReleaseDueWaves();
        await Replan("requested");
        return Board();
    }

    public Task<DispatchBoard> GetBoard() => Task.FromResult(Board());

    private async Task<bool> ReleaseDueWaves()
    {
        var now = clock.GetUtcNow();
        var released = false;
        foreach (var wave in S.Waves.Values.Where(w => w.ReleasedAt is null))
        {
            var ready = _slots.TryGetValue(wave.SlotId, out var slot) ? slot.Ready : 0;
            if (options.Waves.ShouldRelease(now, wave.SlotStart, ready))
            {
                wave.ReleasedAt = now;
                released = true;
                logger.LogInformation("Market {MarketId}: wave {SlotId} released with {Orders} orders", MarketId, wave.SlotId,
                    OrdersOf(wave.SlotId));
            }
        }

        if (released)
        {
            await WriteAsync(state);
        }

        return released;
    }

    private bool IsReleased(string slotId) => S.Waves.TryGetValue(slotId, out var wave) && wave.ReleasedAt is not null;

    /// <summary>Debounces re-plans: every change within the window is planned by one solve.</summary>
    private void ScheduleReplan(bool insertOnly = false)
    {
        _fullReplanPending |= !insertOnly;
        _replanTimer ??= this.RegisterGrainTimer(async _ =>
        {
            if (IsSpent)
            {
                return;
            }

            _replanTimer?.Dispose();
            _replanTimer = null;
            var full = _fullReplanPending || _plan is null;
            _fullReplanPending = false;
            await Replan(full ? "change" : "insert", insertOnly: !full);
        }, new GrainTimerCreationOptions { DueTime = options.ReplanDebounce, Period = Timeout.InfiniteTimeSpan });
    }

    private async Task Replan(string why, bool insertOnly = false)
    {
        var market = catalog.FindMarket(MarketId);
        if (market is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var snapshot = Snapshot(market, now);
        if (snapshot.Orders.Count == 0 && S.Routes.Count == 0)
        {
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        // The solve is CPU-bound for up to the time limit: run it on the thread pool, not on the grain's scheduler.
        var plan = await Task.Run(() => insertOnly
            ? planner.PlanIncremental(snapshot, options.Planning)
            : planner.Plan(snapshot, options.Planning));
        stopwatch.Stop();
        _plan = plan;

        S.Replans++;
        S.LastPlannedAt = now;
        S.LastSolveMilliseconds = stopwatch.Elapsed.TotalMilliseconds;
        S.Routes = [.. plan.Routes.Select(r => ToView(r, now))];
        await WriteAsync(state);
        _violations = [.. plan.Violations];
        _unassigned = [.. plan.Unassigned.Select(u => new UnassignedView(u.OrderId, u.Reason, u.Message))];
        if (!plan.IsFeasible)
        {
            logger.LogError("Market {MarketId}: plan has violations: {Violations}", MarketId, string.Join("; ", plan.Violations));
        }

        logger.LogInformation("Market {MarketId}: re-planned ({Why}) {Orders} orders on {Couriers} couriers in {Ms:F0} ms, {Unassigned} unassigned",
            MarketId, why, snapshot.Orders.Count, snapshot.Couriers.Count, stopwatch.Elapsed.TotalMilliseconds, plan.Unassigned.Count);

        // The plan in force is owed to every courier on shift (an empty route for those without stops) and to every
        // planned order; FanOut sends what is owed and retries until each has taken it.
        _routesOwed.UnionWith(snapshot.Couriers.Select(c => c.CourierId));
        _assigned.Clear();
        var notes = _unassigned.ToDictionary(u => u.OrderId, u => u.Message);
        foreach (var order in snapshot.Orders)
        {
            var planned = plan.EtaOf(order.OrderId);
            _assigned[order.OrderId] = new OrderAssignment(planned?.CourierId, planned?.Eta, notes.GetValueOrDefault(order.OrderId));
        }

        await FanOut();
        await push.PublishAsync(PushGroups.Market(MarketId), PushEvents.Dispatch, Board());
    }

    /// <summary>
    /// Sends the plan in force to the couriers and orders that have not taken it yet, concurrently (a wave of 200
    /// orders should not wait on 200 calls in a row). Orders already told the same thing are not called again, so
    /// a re-plan costs calls and writes only where it changed something. Whatever fails is retried soon and on every
    /// tick; after a crash the next activation owes the whole plan again.
    /// </summary>
    private async Task FanOut()
    {
        var now = clock.GetUtcNow();
        var routes = _routesOwed.Where(S.Couriers.ContainsKey).ToList();
        _routesOwed.IntersectWith(routes);
        var orders = _assigned.Where(a => !_told.TryGetValue(a.Key, out var told) || told != a.Value).ToList();
        var calls = new List<Task>();
        foreach (var courierId in routes)
        {
            var route = S.Routes.Find(r => r.CourierId == courierId) ?? new CourierRouteView(courierId, MarketId, now, [], 0);
            calls.Add(Acknowledged(GrainFactory.GetGrain<ICourierGrain>(courierId).AssignRoute(route), () => _routesOwed.Remove(courierId)));
        }

        foreach (var (orderId, assignment) in orders)
        {
            calls.Add(Acknowledged(
                GrainFactory.GetGrain<IOrderGrain>(orderId).PlanDelivery(assignment.CourierId, assignment.Eta, assignment.Note),
                () => _told[orderId] = assignment));
        }

        await Task.WhenAll(calls);
        if (OwesUpdates())
        {
            RetryFanOutSoon();
        }
    }

    private bool OwesUpdates() =>
        _routesOwed.Count > 0 || _assigned.Any(a => !_told.TryGetValue(a.Key, out var told) || told != a.Value);

    private async Task Acknowledged(Task call, Action acknowledged)
    {
        try
        {
            await call;
            acknowledged();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Market {MarketId}: a plan update was not taken; retrying", MarketId);
        }
    }

    private void RetryFanOutSoon() =>
        _fanOutRetry ??= this.RegisterGrainTimer(async _ =>
        {
            _fanOutRetry?.Dispose();
            _fanOutRetry = null;
            if (!IsSpent)
            {
                await FanOut();
            }
        }, new GrainTimerCreationOptions { DueTime = options.FanOutRetry, Period = Timeout.InfiniteTimeSpan });

    /// <summary>What the planner sees: orders of released waves (and everything on board), couriers on shift.</summary>
    private DispatchSnapshot Snapshot(Market market, DateTimeOffset now)
    {
        var handOver = market.HandOverPoint.Location;
        var orders = new List<DispatchOrder>();
        foreach (var entry in _orders.Values.OrderBy(e => e.Summary.OrderId, StringComparer.Ordinal))
        {
            var o = entry.Summary;
            var onBoard = o.Status == OrderStatus.OutForDelivery && o.CourierId is not null && S.Couriers.ContainsKey(o.CourierId);
            if (!onBoard && (!IsReleased(o.SlotId) || o.Status == OrderStatus.OutForDelivery))
            {
                continue;
            }

            var state = onBoard ? DispatchOrderState.OnBoard
                : o.Status == OrderStatus.ReadyForPickup ? DispatchOrderState.ReadyAtMarket : DispatchOrderState.Picking;
            var readyAt = state == DispatchOrderState.Picking ? Later(entry.ExpectedReadyAt, now) : entry.ExpectedReadyAt;
            orders.Add(new DispatchOrder(
                o.OrderId, MarketId, handOver, new GeoPoint(o.Destination.Lat, o.Destination.Lon),
                o.SlotStart, o.SlotEnd, readyAt, Math.Max(1, o.WeightGrams), Math.Max(1, o.Bags), state,
                onBoard ? o.CourierId : null, o.Fresh ? options.FreshMaxRide : null));
        }

        var couriers = S.Couriers.Values
            .Where(c => c.OnShift && c.ShiftEnd > now)
            .OrderBy(c => c.CourierId, StringComparer.Ordinal)
            .Select(c => new DispatchCourier(
                c.CourierId, (RoutingMode)(int)c.Mode, c.CapacityGrams, c.CapacityBags, c.ShiftStart, c.ShiftEnd,
                c.Position is { } p ? new GeoPoint(p.Lat, p.Lon) : handOver,
                [.. c.OnBoardOrderIds.Where(id => orders.Any(o => o.OrderId == id && o.State == DispatchOrderState.OnBoard))],
                handOver))
            .ToList();

        return new DispatchSnapshot(now, orders, couriers, _plan);
    }

    /// <summary>True when the courier's position says they cannot make the next stop near its planned time.</summary>
    private bool IsBehindPlan(CourierDispatchInfo courier)
    {
        var next = S.Routes.Find(r => r.CourierId == courier.CourierId)?.Stops.FirstOrDefault();
        if (next is null || courier.Position is not { } position)
        {
            return false;
        }

        var locations = new[]
        {
            new Routing.Model.Location("here", position.Lon, position.Lat),
            new Routing.Model.Location("next", next.Location.Lon, next.Location.Lat),
        };
        var matrix = planner.Travel.GetMatrix(locations, (RoutingMode)(int)courier.Mode, CancellationToken.None);
        var arrival = clock.GetUtcNow() + TimeSpan.FromSeconds(matrix.Duration(0, 1));
        return arrival > next.Eta + options.CourierDelayThreshold;
    }

    private CourierRouteView ToView(CourierRoute route, DateTimeOffset now) => new(
        route.CourierId, MarketId, now,
        [.. route.Stops.Select(s => new RouteStopView(
            s.Kind == PlannedStopKind.Pickup ? RouteStopKind.Pickup : RouteStopKind.Delivery,
            s.OrderId, new GeoPosition(s.Location.Lat, s.Location.Lon), s.ServiceStart, s.Departure,
            (int)Math.Ceiling(s.Lateness.TotalMinutes)))],
        route.DistanceMetres);

    private DispatchBoard Board() => new(
        MarketId,
        [.. S.Waves.Values.OrderBy(w => w.SlotStart).Select(w => new WaveView(w.SlotId, w.SlotStart, w.SlotEnd, w.ReleaseAt, w.ReleasedAt,
            OrdersOf(w.SlotId)))],
        [.. S.Routes], [.. _unassigned], S.Replans, S.LastPlannedAt, S.LastSolveMilliseconds, [.. _violations], Version: S.Replans,
        Couriers: [.. S.Couriers.Values.OrderBy(c => c.CourierId, StringComparer.Ordinal)]);

    /// <summary>The tick never stops: it is how the dispatcher catches up with orders whose message was lost.</summary>
    private async Task EnsureTicking()
    {
        if (await this.GetReminder(TickReminder) is null)
        {
            await this.RegisterOrUpdateReminder(TickReminder, options.TickPeriod, options.TickPeriod);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
