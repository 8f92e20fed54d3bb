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
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RoutingMode = MarketDelivery.Routing.Model.TravelMode;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>An order as the dispatcher tracks it.</summary>
[GenerateSerializer, Alias("md.DispatchOrderEntry")]
public sealed class DispatchOrderEntry
{
    [Id(0)] public OrderSummary Summary { get; set; } = null!;
    /// <summary>When the bags are (expected to be) at the hand-over point.</summary>
    [Id(1)] public DateTimeOffset ExpectedReadyAt { get; set; }
}

[GenerateSerializer, Alias("md.WaveEntry")]
public sealed class WaveEntry
{
    [Id(0)] public string SlotId { get; set; } = "";
    [Id(1)] public DateTimeOffset SlotStart { get; set; }
    [Id(2)] public DateTimeOffset SlotEnd { get; set; }
    [Id(3)] public DateTimeOffset ReleaseAt { get; set; }
    [Id(4)] public DateTimeOffset? ReleasedAt { get; set; }
}

[GenerateSerializer, Alias("md.DispatcherState")]
public sealed class DispatcherState
{
    [Id(0)] public Dictionary<string, DispatchOrderEntry> Orders { get; set; } = [];
    [Id(1)] public Dictionary<string, CourierDispatchInfo> Couriers { get; set; } = [];
    [Id(2)] public Dictionary<string, WaveEntry> Waves { get; set; } = [];
    [Id(3)] public List<UnassignedView> Unassigned { get; set; } = [];
    [Id(4)] public List<CourierRouteView> Routes { get; set; } = [];
    [Id(5)] public int Replans { get; set; }
    [Id(6)] public DateTimeOffset? LastPlannedAt { get; set; }
    [Id(7)] public double? LastSolveMilliseconds { get; set; }
    [Id(8)] public List<string> Violations { get; set; } = [];
}

/// <summary>
/// Plans one market's deliveries. Orders are batched per delivery slot into waves released by a reminder (so a
/// release survives a restart) at a lead time before the slot or once enough bags are ready. Any change to a
/// released wave — a new order, a late or short merchant, a delayed courier, a courier leaving — triggers a
/// debounced re-plan that starts from the plan in force, with what couriers carry locked to them. The solve runs
/// on the thread pool, off the grain's turn; its result goes to the couriers (routes) and orders (courier, ETA).
/// </summary>
public sealed class DispatcherGrain(
    [PersistentState("dispatcher", "dispatch")] IPersistentState<DispatcherState> state,
    MarketCatalog catalog,
    MarketClock clock,
    DispatchPlanner planner,
    DispatchRuntimeOptions options,
    IPushNotifier push,
    ILogger<DispatcherGrain> logger) : Grain, IDispatcherGrain, IRemindable
{
    private const string TickReminder = "dispatch-tick";
    private static readonly HashSet<OrderStatus> Active = [OrderStatus.Placed, OrderStatus.Picking, OrderStatus.ReadyForPickup, OrderStatus.OutForDelivery];

    private DispatchPlan? _plan;
    private IGrainTimer? _replanTimer;
    /// <summary>True when a pending change needs a full re-plan, not just inserting new orders into the plan in force.</summary>
    private bool _fullReplanPending;

    private DispatcherState S => state.State;

    private string MarketId => this.GetPrimaryKeyString();

    public async Task OrderChanged(OrderSummary order)
    {
        if (order.MarketId != MarketId)
        {
            return;
        }

        S.Orders.TryGetValue(order.OrderId, out var held);
        if (held is not null && held.Summary.Version >= order.Version)
        {
            return;
        }

        if (!Active.Contains(order.Status))
        {
            // Delivered, cancelled, or returned to the market (staff send it out again later).
            if (S.Orders.Remove(order.OrderId))
            {
                S.Unassigned.RemoveAll(u => u.OrderId == order.OrderId);
                await state.WriteStateAsync();
                ScheduleReplanIfReleased(order.SlotId);
            }

            return;
        }

        var entry = held ?? new DispatchOrderEntry();
        entry.Summary = order;
        entry.ExpectedReadyAt = order.ReadyAt ?? Later(entry.ExpectedReadyAt, (order.PlacedAt ?? order.UpdatedAt) + options.ExpectedPickTime);
        S.Orders[order.OrderId] = entry;

        if (!S.Waves.ContainsKey(order.SlotId))
        {
            S.Waves[order.SlotId] = new WaveEntry
            {
                SlotId = order.SlotId,
                SlotStart = order.SlotStart,
                SlotEnd = order.SlotEnd,
                ReleaseAt = options.Waves.ReleaseAt(order.SlotStart),
            };
        }

        await state.WriteStateAsync();
        await EnsureTicking();

        var wave = S.Waves[order.SlotId];
        if (wave.ReleasedAt is not null)
        {
            // A change to a released wave: a new order is inserted into the live plan; bags ready, a short pick or a
            // pick-up re-plan it as a whole.
            if (held is null)
            {
                ScheduleReplan(insertOnly: true);
            }
            else if (held.Summary.Status != order.Status || held.Summary.WeightGrams != order.WeightGrams)
            {
                ScheduleReplan();
            }
        }
        else if (await ReleaseDueWaves())
        {
            ScheduleReplan();
        }
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

        await state.WriteStateAsync();

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
        var released = await ReleaseDueWaves();
        var now = clock.GetUtcNow();
        var changed = false;

        // A merchant past the expected ready time: assume a further delay and plan around it.
        foreach (var entry in S.Orders.Values.Where(e => e.Summary.Status is OrderStatus.Placed or OrderStatus.Picking))
        {
            if (IsReleased(entry.Summary.SlotId) && entry.ExpectedReadyAt + options.MerchantLateAllowance < now)
            {
                entry.ExpectedReadyAt = now + options.MerchantLateAllowance;
                changed = true;
            }
        }

        foreach (var old in S.Waves.Values.Where(w => w.SlotEnd < now - TimeSpan.FromDays(1) && !S.Orders.Values.Any(o => o.Summary.SlotId == w.SlotId)).ToList())
        {
            S.Waves.Remove(old.SlotId);
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        if (released || changed)
        {
            await Replan("tick");
        }

        if (S.Orders.Count == 0 && S.Waves.Values.All(w => w.ReleasedAt is not null))
        {
            await StopTicking();
        }
    }

    public async Task<DispatchBoard> PlanNow()
    {
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
            var ready = S.Orders.Values.Count(o => o.Summary.SlotId == wave.SlotId && o.Summary.Status == OrderStatus.ReadyForPickup);
            if (options.Waves.ShouldRelease(now, wave.SlotStart, ready))
            {
                wave.ReleasedAt = now;
                released = true;
                logger.LogInformation("Market {MarketId}: wave {SlotId} released with {Orders} orders", MarketId, wave.SlotId,
                    S.Orders.Values.Count(o => o.Summary.SlotId == wave.SlotId));
            }
        }

        if (released)
        {
            await state.WriteStateAsync();
        }

        return released;
    }

    private bool IsReleased(string slotId) => S.Waves.TryGetValue(slotId, out var wave) && wave.ReleasedAt is not null;

    private void ScheduleReplanIfReleased(string slotId)
    {
        if (IsReleased(slotId))
        {
            ScheduleReplan();
        }
    }

    /// <summary>Debounces re-plans: every change within the window is planned by one solve.</summary>
    private void ScheduleReplan(bool insertOnly = false)
    {
        _fullReplanPending |= !insertOnly;
        _replanTimer ??= this.RegisterGrainTimer(async _ =>
        {
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
        S.Violations = [.. plan.Violations];
        S.Unassigned = [.. plan.Unassigned.Select(u => new UnassignedView(u.OrderId, u.Reason, u.Message))];
        S.Routes = [.. plan.Routes.Select(r => ToView(r, now))];
        await state.WriteStateAsync();
        if (!plan.IsFeasible)
        {
            logger.LogError("Market {MarketId}: plan has violations: {Violations}", MarketId, string.Join("; ", plan.Violations));
        }

        logger.LogInformation("Market {MarketId}: re-planned ({Why}) {Orders} orders on {Couriers} couriers in {Ms:F0} ms, {Unassigned} unassigned",
            MarketId, why, snapshot.Orders.Count, snapshot.Couriers.Count, stopwatch.Elapsed.TotalMilliseconds, plan.Unassigned.Count);

        // Fan the plan out concurrently: a wave of 200 orders should not wait on 200 calls in a row.
        var updates = new List<Task>();
        foreach (var courier in snapshot.Couriers)
        {
            var route = S.Routes.Find(r => r.CourierId == courier.CourierId)
                        ?? new CourierRouteView(courier.CourierId, MarketId, now, [], 0);
            updates.Add(GrainFactory.GetGrain<ICourierGrain>(courier.CourierId).AssignRoute(route));
        }

        foreach (var order in snapshot.Orders)
        {
            var planned = plan.EtaOf(order.OrderId);
            var note = plan.Unassigned.FirstOrDefault(u => u.OrderId == order.OrderId)?.Message;
            updates.Add(GrainFactory.GetGrain<IOrderGrain>(order.OrderId).PlanDelivery(planned?.CourierId, planned?.Eta, note));
        }

        await Task.WhenAll(updates);
        await push.PublishAsync(PushGroups.Market(MarketId), PushEvents.Dispatch, Board());
    }

    /// <summary>What the planner sees: orders of released waves (and everything on board), couriers on shift.</summary>
    private DispatchSnapshot Snapshot(Market market, DateTimeOffset now)
    {
        var handOver = market.HandOverPoint.Location;
        var orders = new List<DispatchOrder>();
        foreach (var entry in S.Orders.Values.OrderBy(e => e.Summary.OrderId, StringComparer.Ordinal))
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
            S.Orders.Values.Count(o => o.Summary.SlotId == w.SlotId)))],
        [.. S.Routes], [.. S.Unassigned], S.Replans, S.LastPlannedAt, S.LastSolveMilliseconds, [.. S.Violations]);

    private async Task EnsureTicking()
    {
        if (await this.GetReminder(TickReminder) is null)
        {
            await this.RegisterOrUpdateReminder(TickReminder, options.TickPeriod, options.TickPeriod);
        }
    }

    private async Task StopTicking()
    {
        if (await this.GetReminder(TickReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
