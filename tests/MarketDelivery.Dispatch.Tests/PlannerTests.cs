using MarketDelivery.Routing.Validation;
using static MarketDelivery.Dispatch.Tests.Scenarios;

namespace MarketDelivery.Dispatch.Tests;

public class PlannerTests
{
    private readonly DispatchPlanner _planner = new();

    [Fact]
    public void A_wave_of_ready_orders_is_planned_feasibly_with_every_eta_inside_its_window()
    {
        var orders = Wave(24);
        var snapshot = new DispatchSnapshot(Now, orders, [Courier("c1"), Courier("c2"), Courier("c3"), Courier("c4", mode: Routing.Model.TravelMode.Bicycle)]);

        var solution = _planner.Solve(snapshot, Fast(0.8));
        var plan = solution.Plan;

        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        Assert.Equal(Now, plan.PlannedAt);
        Assert.True(plan.SolveTime > TimeSpan.Zero);
        // The validator, run here independently, agrees.
        Assert.Empty(new PlanValidator(_planner.Travel).Validate(solution.Problem, solution.Routing).Violations);
        foreach (var o in orders)
        {
            var eta = plan.EtaOf(o.OrderId);
            Assert.NotNull(eta);
            Assert.InRange(eta.Value.Eta, o.WindowStart, o.WindowEnd);
        }
        foreach (var route in plan.Routes)
        {
            var picked = new Dictionary<string, PlannedStop>();
            foreach (var stop in route.Stops)
            {
                Assert.True(stop.Arrival <= stop.ServiceStart && stop.ServiceStart < stop.Departure);
                Assert.Equal(TimeSpan.Zero, stop.Lateness);
                var order = orders.Single(o => o.OrderId == stop.OrderId);
                if (stop.Kind == PlannedStopKind.Pickup)
                {
                    Assert.Equal(Market, stop.Location);
                    Assert.True(stop.ServiceStart >= order.ReadyAt, "bags are not picked up before they are ready");
                    picked[stop.OrderId] = stop;
                }
                else
                {
                    Assert.Equal(order.Destination, stop.Location);
                    Assert.True(picked.ContainsKey(stop.OrderId), "delivered after its pick-up, by the same courier");
                }
            }
            if (route.Stops.Count > 0)
            {
                Assert.True(route.DistanceMetres > 0);
                Assert.Equal(route.Stops[^1].Departure, route.FinishesAt);
            }
        }
        Assert.Equal(4, plan.Routes.Count);
    }

    [Fact]
    public void On_board_orders_stay_with_their_courier_and_are_delivered_first_in_the_previous_order()
    {
        var orders = Wave(16, seed: 3);
        var couriers = new[] { Courier("c1"), Courier("c2"), Courier("c3") };
        var first = _planner.Plan(new DispatchSnapshot(Now, orders, couriers), Fast());
        AssertSound(first);

        // Each courier has made the pick-ups of its first trip and stands at the market.
        var later = first.Routes.Where(r => r.Stops.Count > 0).Max(r => r.Stops.TakeWhile(s => s.Kind == PlannedStopKind.Pickup).Last().Departure);
        var onBoard = first.Routes.ToDictionary(r => r.CourierId,
            r => r.Stops.TakeWhile(s => s.Kind == PlannedStopKind.Pickup).Select(s => s.OrderId).ToList());
        var previousDeliveryOrder = first.Routes.ToDictionary(r => r.CourierId,
            r => r.Stops.Where(s => s.Kind == PlannedStopKind.Delivery && onBoard[r.CourierId].Contains(s.OrderId)).Select(s => s.OrderId).ToList());
        var updatedOrders = orders.Select(o =>
        {
            var carrier = onBoard.FirstOrDefault(kv => kv.Value.Contains(o.OrderId)).Key;
            return carrier is null ? o : o with { State = DispatchOrderState.OnBoard, CourierId = carrier };
        }).ToList();
        // Their listed order is deliberately reversed: the previous plan's order wins.
        var updatedCouriers = couriers.Select(c => c with { OnBoardOrderIds = onBoard[c.CourierId].AsEnumerable().Reverse().ToList() }).ToList();
        var snapshot = new DispatchSnapshot(later, updatedOrders, updatedCouriers, first);

        var second = _planner.Plan(snapshot, Fast());

        AssertSound(second);
        Assert.Empty(second.Unassigned);
        foreach (var (courier, ids) in onBoard)
        {
            var stops = second.Routes.Single(r => r.CourierId == courier).Stops;
            Assert.Equal(previousDeliveryOrder[courier], stops.Take(ids.Count).Select(s => s.OrderId).ToList());
            Assert.All(stops.Take(ids.Count), s => Assert.Equal(PlannedStopKind.Delivery, s.Kind));
            Assert.DoesNotContain(stops, s => s.Kind == PlannedStopKind.Pickup && ids.Contains(s.OrderId));
        }
    }

    [Fact]
    public void Locked_on_board_deliveries_keep_the_previous_order_even_when_another_is_shorter()
    {
        // A zig-zag the courier was told to drive: north, south, north again. Re-ordering would save kilometres, but
        // the courier has loaded the bags in this order and the customers have their ETAs.
        var a = Order("a", 2_000, 0, state: DispatchOrderState.OnBoard, courier: "c1");
        var b = Order("b", 2_000, 180, state: DispatchOrderState.OnBoard, courier: "c1");
        var c = Order("c", 2_100, 10, state: DispatchOrderState.OnBoard, courier: "c1");
        var fresh = Order("fresh", 1_000, 90);
        PlannedStop Stop(DispatchOrder o, int minutes) =>
            new(PlannedStopKind.Delivery, o.OrderId, o.Destination, Now.AddMinutes(minutes), Now.AddMinutes(minutes), Now.AddMinutes(minutes + 3), TimeSpan.Zero);
        var previous = new DispatchPlan(Now - TimeSpan.FromMinutes(1), [new CourierRoute("c1", [Stop(a, 10), Stop(b, 30), Stop(c, 50)], 12_000, Now.AddMinutes(53))],
            [], TimeSpan.Zero, []);
        var couriers = new[] { Courier("c1", onBoard: ["c", "b", "a"]), Courier("c2") };

        var plan = _planner.Plan(new DispatchSnapshot(Now, [a, b, c, fresh], couriers, previous), Fast(0.5));

        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        Assert.Equal(["a", "b", "c"], Sequence(plan, "c1").Take(3).Select(s => s.OrderId));

        // Without a previous plan the same goods are delivered in the short order.
        var free = _planner.Plan(new DispatchSnapshot(Now, [a, b, c, fresh], couriers), Fast(0.5));
        var freeOrder = Sequence(free, "c1").Where(s => s.OrderId is "a" or "b" or "c").Select(s => s.OrderId).ToList();
        Assert.NotEqual(["a", "b", "c"], freeOrder);
    }

    [Fact]
    public void On_board_orders_without_a_previous_plan_stay_with_their_courier_and_count_against_capacity()
    {
        // c1 carries 7 of its 8 bags: the other orders go to c2 even though c1 stands at the market too.
        var carried = Enumerable.Range(0, 7).Select(i => Order("b" + i, 800 + (100 * i), 40 * i, bags: 1, state: DispatchOrderState.OnBoard, courier: "c1")).ToList();
        var fresh = Enumerable.Range(0, 4).Select(i => Order("n" + i, 1_000, 90 * i, bags: 2)).ToList();
        var snapshot = new DispatchSnapshot(Now, [.. carried, .. fresh],
            [Courier("c1", onBoard: carried.Select(o => o.OrderId).ToList()), Courier("c2")]);

        var plan = _planner.Plan(snapshot, Fast());

        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        Assert.All(carried, o => Assert.Equal("c1", CourierOf(plan, o.OrderId)));
        var c1 = plan.Routes.Single(r => r.CourierId == "c1");
        // 7 bags on board and 2-bag orders: c1 cannot pick anything up before it has delivered some of its load.
        var firstPickup = c1.Stops.ToList().FindIndex(s => s.Kind == PlannedStopKind.Pickup);
        Assert.True(firstPickup != 0, "the on-board load counts against capacity at the start");
    }

    [Fact]
    public void Goods_on_board_are_delivered_even_past_the_shift_end_and_nothing_new_is_added()
    {
        // c1's shift ends in five minutes but it carries three orders 2 km out; c2 has the whole morning.
        var carried = Enumerable.Range(0, 3).Select(i => Order("b" + i, 2_000, 120 * i, state: DispatchOrderState.OnBoard, courier: "c1")).ToList();
        var fresh = Enumerable.Range(0, 3).Select(i => Order("n" + i, 1_000, 60 + (120 * i))).ToList();
        var shiftEnd = Now + TimeSpan.FromMinutes(5);
        var snapshot = new DispatchSnapshot(Now, [.. carried, .. fresh],
            [Courier("c1", onBoard: carried.Select(o => o.OrderId).ToList(), shiftEnd: shiftEnd), Courier("c2")]);

        var plan = _planner.Plan(snapshot, Fast(0.4));

        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        var c1 = plan.Routes.Single(r => r.CourierId == "c1");
        Assert.Equal(carried.Select(o => o.OrderId).Order(), c1.Stops.Select(s => s.OrderId).Order());
        Assert.True(c1.FinishesAt > shiftEnd);
        Assert.All(fresh, o => Assert.Equal("c2", CourierOf(plan, o.OrderId)));
    }

    [Fact]
    public void A_late_merchant_gives_a_later_plan_with_lateness_reported_never_hidden()
    {
        var orders = Wave(10, seed: 5);
        var couriers = new[] { Courier("c1"), Courier("c2") };
        var first = _planner.Plan(new DispatchSnapshot(Now, orders, couriers), Fast());
        AssertSound(first);
        Assert.Empty(first.Unassigned);

        // The stall behind o03 needs until five minutes before the window closes; its customer is 2 km away.
        var late = orders.Single(o => o.OrderId == "o03");
        var pushed = late with
        {
            State = DispatchOrderState.Picking,
            ReadyAt = SlotEnd - TimeSpan.FromMinutes(5),
            Destination = DispatchMeasurements.Offset(Market, 2_000, 0),
        };
        var updated = orders.Select(o => o.OrderId == late.OrderId ? pushed : o).ToList();
        var second = _planner.Plan(new DispatchSnapshot(Now + TimeSpan.FromMinutes(5), updated, couriers, first), Fast());

        AssertSound(second);
        Assert.Empty(second.Unassigned);
        var stops = second.Routes.SelectMany(r => r.Stops).ToList();
        var pickup = stops.Single(s => s.OrderId == pushed.OrderId && s.Kind == PlannedStopKind.Pickup);
        var delivery = stops.Single(s => s.OrderId == pushed.OrderId && s.Kind == PlannedStopKind.Delivery);
        Assert.True(pickup.ServiceStart >= pushed.ReadyAt);
        Assert.True(delivery.ServiceStart > pushed.WindowEnd);
        Assert.True(delivery.Lateness > TimeSpan.Zero);
        Assert.True(delivery.Lateness <= new DispatchSettings().MaxLateness);
        // Every stop reports exactly how late it is.
        foreach (var d in stops.Where(s => s.Kind == PlannedStopKind.Delivery))
        {
            var end = updated.Single(o => o.OrderId == d.OrderId).WindowEnd;
            var expected = d.ServiceStart > end ? d.ServiceStart - end : TimeSpan.Zero;
            Assert.True(Math.Abs((d.Lateness - expected).TotalSeconds) < 0.01, $"{d.OrderId}: {d.Lateness} vs {expected}");
        }
    }

    [Fact]
    public void A_merchant_too_late_for_the_allowed_lateness_leaves_the_order_unassigned_with_a_reason()
    {
        var orders = new[] { Order("early", 1_000, 0), Order("hopeless", 2_000, 180, ready: SlotEnd + TimeSpan.FromMinutes(70)) };
        var plan = _planner.Plan(new DispatchSnapshot(Now, orders, [Courier("c1")]), Fast(0.3));

        AssertSound(plan);
        var u = Assert.Single(plan.Unassigned);
        Assert.Equal("hopeless", u.OrderId);
        Assert.Contains("14:00", u.Reason);
        Assert.False(string.IsNullOrWhiteSpace(u.Message));
        Assert.NotNull(plan.EtaOf("early"));
    }

    [Fact]
    public void Orders_beyond_capacity_are_unassigned_with_a_reason()
    {
        // One small bicycle courier: 4 bags and 12 kg, and only an hour of shift left.
        var orders = new List<DispatchOrder>
        {
            Order("huge", 1_000, 10, weight: 40_000, bags: 3),
            Order("a", 1_200, 90, bags: 2),
            Order("b", 1_300, 180, bags: 2),
            Order("c", 1_400, 270, bags: 2),
            Order("d", 2_400, 45, bags: 2),
        };
        var courier = Courier("bike", capacityGrams: 12_000, capacityBags: 4, mode: Routing.Model.TravelMode.Bicycle,
            shiftEnd: SlotStart + TimeSpan.FromMinutes(40));

        var plan = _planner.Plan(new DispatchSnapshot(Now, orders, [courier]), Fast());

        AssertSound(plan);
        var huge = Assert.Single(plan.Unassigned, u => u.OrderId == "huge");
        Assert.Contains("Too large", huge.Reason);
        Assert.Contains("40 kg", huge.Reason);
        Assert.True(plan.Unassigned.Count >= 2, "the bicycle cannot do every trip before its shift ends");
        Assert.All(plan.Unassigned, u => Assert.False(string.IsNullOrWhiteSpace(u.Reason)));
        var served = plan.Routes.SelectMany(r => r.Stops).Select(s => s.OrderId).Distinct().Count();
        Assert.Equal(orders.Count, served + plan.Unassigned.Count);
    }

    [Fact]
    public void A_courier_going_off_shift_has_their_unstarted_stops_reassigned()
    {
        var orders = Wave(15, seed: 11);
        var couriers = new[] { Courier("c1"), Courier("c2"), Courier("c3") };
        var first = _planner.Plan(new DispatchSnapshot(Now, orders, couriers), Fast());
        AssertSound(first);
        var leaving = first.Routes.OrderByDescending(r => r.Stops.Count).First();
        Assert.NotEmpty(leaving.Stops);
        var theirs = leaving.Stops.Select(s => s.OrderId).Distinct().ToList();

        var remaining = couriers.Where(c => c.CourierId != leaving.CourierId).ToList();
        var second = _planner.Plan(new DispatchSnapshot(Now + TimeSpan.FromMinutes(1), orders, remaining, first), Fast());

        AssertSound(second);
        Assert.DoesNotContain(second.Routes, r => r.CourierId == leaving.CourierId);
        foreach (var id in theirs)
        {
            Assert.True(second.EtaOf(id) is not null || second.Unassigned.Any(u => u.OrderId == id), $"'{id}' is neither planned nor reported");
        }
        Assert.Empty(second.Unassigned);
    }

    [Fact]
    public void An_on_board_order_whose_courier_is_gone_is_reported()
    {
        var orders = new[] { Order("carried", 1_000, 0, state: DispatchOrderState.OnBoard, courier: "gone"), Order("free", 1_000, 90) };
        var plan = _planner.Plan(new DispatchSnapshot(Now, orders, [Courier("c1")]), Fast(0.3));

        AssertSound(plan);
        var u = Assert.Single(plan.Unassigned);
        Assert.Equal("carried", u.OrderId);
        Assert.Contains("gone", u.Reason);
    }

    [Fact]
    public void Times_before_the_service_day_are_planned_on_an_earlier_epoch()
    {
        // Just after midnight, an order whose window opened yesterday evening and one already 20 minutes late.
        var now = new DateTimeOffset(2026, 5, 13, 0, 5, 0, Kst);
        var evening = Order("evening", 1_500, 45, ready: now - TimeSpan.FromHours(1),
            windowStart: now - TimeSpan.FromHours(1), windowEnd: now + TimeSpan.FromMinutes(40));
        var overdue = Order("overdue", 1_000, 200, ready: now - TimeSpan.FromHours(2),
            windowStart: now - TimeSpan.FromHours(2), windowEnd: now - TimeSpan.FromMinutes(20));
        var courier = Courier("c1") with { ShiftStart = now - TimeSpan.FromHours(3), ShiftEnd = now + TimeSpan.FromHours(2) };

        var solution = _planner.Solve(new DispatchSnapshot(now, [evening, overdue], [courier]), Fast(0.3));

        AssertSound(solution.Plan);
        Assert.Empty(solution.Plan.Unassigned);
        Assert.True(solution.Epoch <= now - TimeSpan.FromHours(2));
        Assert.InRange(solution.Plan.EtaOf("evening")!.Value.Eta, now, evening.WindowEnd);
        var late = solution.Plan.Routes.SelectMany(r => r.Stops).Single(s => s.OrderId == "overdue" && s.Kind == PlannedStopKind.Delivery);
        Assert.True(late.ServiceStart > now);
        Assert.True(Math.Abs((late.ServiceStart - overdue.WindowEnd - late.Lateness).TotalMilliseconds) < 10);
    }

    [Fact]
    public void The_incremental_path_without_a_previous_plan_plans_everything()
    {
        var orders = Wave(8, seed: 12);
        var plan = _planner.PlanIncremental(new DispatchSnapshot(Now, orders, [Courier("c1"), Courier("c2")]), new DispatchSettings());
        AssertSound(plan);
        Assert.Empty(plan.Unassigned);
        Assert.All(orders, o => Assert.NotNull(plan.EtaOf(o.OrderId)));
    }

    [Fact]
    public void Without_couriers_every_order_is_unassigned()
    {
        var plan = _planner.Plan(new DispatchSnapshot(Now, Wave(3), []), Fast(0.3));
        Assert.Empty(plan.Routes);
        Assert.Equal(3, plan.Unassigned.Count);
        Assert.True(plan.IsFeasible);
    }

    [Fact]
    public void Bad_order_data_is_reported_not_thrown()
    {
        var orders = new[]
        {
            Order("ok", 1_000, 0),
            Order("ok", 1_500, 90),
            Order("backwards", 1_000, 180, windowStart: SlotEnd, windowEnd: SlotStart),
        };
        var plan = _planner.Plan(new DispatchSnapshot(Now, orders, [Courier("c1")]), Fast(0.3));
        AssertSound(plan);
        Assert.NotNull(plan.EtaOf("ok"));
        Assert.Equal(2, plan.Unassigned.Count);
        Assert.Contains(plan.Unassigned, u => u.OrderId == "backwards");
    }

    [Fact]
    public void Maximum_ride_time_is_respected()
    {
        var ride = TimeSpan.FromMinutes(9);
        var orders = Wave(12, seed: 2).Select((o, i) => i % 3 == 0 ? o with { MaxRide = ride } : o).ToList();
        var plan = _planner.Plan(new DispatchSnapshot(Now, orders, [Courier("c1"), Courier("c2")]), Fast());

        AssertSound(plan);
        foreach (var o in orders.Where(o => o.MaxRide is not null && plan.EtaOf(o.OrderId) is not null))
        {
            var stops = plan.Routes.SelectMany(r => r.Stops).Where(s => s.OrderId == o.OrderId).ToList();
            var pickup = stops.Single(s => s.Kind == PlannedStopKind.Pickup);
            var delivery = stops.Single(s => s.Kind == PlannedStopKind.Delivery);
            Assert.True(delivery.ServiceStart - pickup.Departure <= ride + TimeSpan.FromMilliseconds(1));
        }
    }
}
