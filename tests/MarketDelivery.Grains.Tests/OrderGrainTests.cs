using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Grains.Tests.Support;
using Orleans.TestingHost;
using static MarketDelivery.Grains.Tests.Support.Baskets;

namespace MarketDelivery.Grains.Tests;

/// <summary>Orders, stalls and the market board on a 2-silo cluster with grain state in PostgreSQL.</summary>
public sealed class OrderGrainTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private TestCluster Cluster => fixture.Cluster;

    private RecordingPushNotifier Push => fixture.Services.Push;

    private IOrderGrain OrderGrain(string orderId) => Cluster.GrainFactory.GetGrain<IOrderGrain>(orderId);

    private async Task<OrderView> PlaceAsync(PlaceOrder command)
    {
        var placed = await OrderGrain(OrderIdFor(command)).Place(command);
        Assert.True(placed.Succeeded, placed.Error?.Detail);
        Assert.False(placed.Value!.Replayed);
        return placed.Value.Order;
    }

    private async Task<PickTicketView?> StallTicketAsync(string stallId, string ticketId, PickTicketStatus? status = null) =>
        (await Cluster.GrainFactory.GetGrain<IStallGrain>(stallId).GetTickets(status)).SingleOrDefault(t => t.TicketId == ticketId);

    private async Task<OrderSummary?> BoardEntryAsync(string orderId, string? slotId = null) =>
        (await Cluster.GrainFactory.GetGrain<IMarketGrain>(MarketId).GetOrders(slotId)).SingleOrDefault(o => o.OrderId == orderId);

    [Fact]
    public async Task The_cluster_has_two_silos()
    {
        var hosts = await Cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
    }

    [Fact]
    public async Task Placing_an_order_lists_its_tickets_at_each_stall_and_its_summary_on_the_market_board()
    {
        var command = ThreeStalls("cust-place", "k1");
        var orderId = OrderIdFor(command);

        var order = await PlaceAsync(command);

        Assert.Equal(orderId, order.OrderId);
        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.Equal(TestSiloServices.Now, order.PlacedAt);
        Assert.Equal((ThreeStallsTotal, ThreeStallsTotal, 0L), (order.OrderedTotalWon, order.ChargedTotalWon, order.RefundWon));
        Assert.Equal(
            [($"{orderId}-t1", Chaeso), ($"{orderId}-t2", Gwail), ($"{orderId}-t3", Susan)],
            order.Tickets.Select(t => (t.TicketId, t.StallId)));

        var expectedSkus = new Dictionary<string, string[]>
        {
            [Chaeso] = ["daepa", "mu"],
            [Gwail] = ["sagwa-busa", "gamgyul"],
            [Susan] = ["godeungeo"],
        };
        foreach (var ticketRef in order.Tickets)
        {
            var ticket = await StallTicketAsync(ticketRef.StallId, ticketRef.TicketId, PickTicketStatus.Open);
            Assert.NotNull(ticket);
            Assert.Equal(orderId, ticket.OrderId);
            Assert.Equal(SlotId, ticket.SlotId);
            Assert.Equal(expectedSkus[ticketRef.StallId], ticket.Lines.Select(l => l.Sku));
            Assert.Equal(1, ticket.Version);

            // The merchant's tablets were told.
            var pushed = Push.Payloads<PickTicketView>(PushGroups.Stall(ticketRef.StallId), PushEvents.PickTicket);
            Assert.Contains(pushed, p => p.TicketId == ticketRef.TicketId && p.Status == PickTicketStatus.Open);
        }

        // Another stall's tablet shows nothing of this order.
        Assert.DoesNotContain(await Cluster.GrainFactory.GetGrain<IStallGrain>("mangwon-dubu").GetTickets(null), t => t.OrderId == orderId);

        var summary = await BoardEntryAsync(orderId, SlotId);
        Assert.NotNull(summary);
        Assert.Equal((OrderStatus.Placed, 3, ThreeStallsTotal), (summary.Status, summary.TicketsOpen, summary.ChargedTotalWon));
        Assert.Equal(new GeoPosition(Address.Lat, Address.Lon), summary.Destination);
        Assert.Null(await BoardEntryAsync(orderId, "2026-11-23-1500"));
        Assert.Contains(Push.Payloads<OrderSummary>(PushGroups.Market(MarketId), PushEvents.MarketOrder), s => s.OrderId == orderId);
        Assert.Contains(Push.Payloads<OrderView>(PushGroups.Order(orderId), PushEvents.Order), v => v.Status == OrderStatus.Placed);

        var view = await OrderGrain(orderId).GetView();
        Assert.Equal(Canonical(order), Canonical(view));
    }

    [Fact]
    public async Task Confirming_every_ticket_with_a_short_and_a_substituted_line_makes_the_order_ready_with_the_right_totals()
    {
        var command = ThreeStalls("cust-confirm", "k1");
        var orderId = OrderIdFor(command);
        var order = await PlaceAsync(command);
        var grain = OrderGrain(orderId);

        // 망원농산: one 대파 instead of two (short), 무 in full.
        var chaeso = await grain.ConfirmTicket(Chaeso, $"{orderId}-t1", Picks(new PickConfirmation("daepa", 1), new PickConfirmation("mu", 1)));
        Assert.True(chaeso.Succeeded, chaeso.Error?.Detail);
        Assert.Equal(OrderStatus.Picking, chaeso.Value!.OrderStatus);
        Assert.Equal(OrderStatus.Picking, (await BoardEntryAsync(orderId))!.Status);

        // 햇살과일: 홍로 for 부사 (the customer's named substitute), 감귤 in full.
        var gwail = await grain.ConfirmTicket(Gwail, $"{orderId}-t2", Picks(new PickConfirmation("sagwa-busa", 2, "sagwa-hongro"), new PickConfirmation("gamgyul", 2)));
        Assert.True(gwail.Succeeded, gwail.Error?.Detail);
        Assert.Equal(OrderStatus.Picking, gwail.Value!.OrderStatus);

        var susan = await grain.ConfirmTicket(Susan, $"{orderId}-t3", Picks(new PickConfirmation("godeungeo", 1)));
        Assert.True(susan.Succeeded, susan.Error?.Detail);
        Assert.Equal(OrderStatus.ReadyForPickup, susan.Value!.OrderStatus);

        const long charged = ThreeStallsTotal - 2400 - (30600 - 28400);
        var view = (await grain.GetView())!;
        Assert.Equal(OrderStatus.ReadyForPickup, view.Status);
        Assert.Equal((ThreeStallsTotal, charged, ThreeStallsTotal - charged), (view.OrderedTotalWon, view.ChargedTotalWon, view.RefundWon));
        Assert.All(view.Tickets, t => Assert.Equal(PickTicketStatus.Confirmed, t.Status));
        var daepa = view.Lines.Single(l => l.Sku == "daepa").Pick!;
        Assert.Equal((PickOutcome.Short, 1, 2400L, 2400L), (daepa.Outcome, daepa.PickedQuantity, daepa.ChargedWon, daepa.RefundWon));
        var apples = view.Lines.Single(l => l.Sku == "sagwa-busa").Pick!;
        Assert.Equal((PickOutcome.Substituted, "sagwa-hongro", 14200L, 28400L, 2200L), (apples.Outcome, apples.Sku, apples.UnitPriceWon, apples.ChargedWon, apples.RefundWon));

        // The stalls and the board follow.
        foreach (var ticketRef in order.Tickets)
        {
            Assert.Null(await StallTicketAsync(ticketRef.StallId, ticketRef.TicketId, PickTicketStatus.Open));
            var ticket = await StallTicketAsync(ticketRef.StallId, ticketRef.TicketId, PickTicketStatus.Confirmed);
            Assert.NotNull(ticket);
            Assert.Equal(2, ticket.Version);
            Assert.All(ticket.Lines, l => Assert.NotNull(l.Pick));
        }

        var shortTicket = (await StallTicketAsync(Chaeso, $"{orderId}-t1"))!;
        Assert.Equal(PickOutcome.Short, shortTicket.Lines.Single(l => l.Sku == "daepa").Pick!.Outcome);
        var summary = (await BoardEntryAsync(orderId))!;
        Assert.Equal((OrderStatus.ReadyForPickup, 0, charged), (summary.Status, summary.TicketsOpen, summary.ChargedTotalWon));
        Assert.Equal(view.UpdatedAt, summary.UpdatedAt);
        Assert.Contains(Push.Payloads<OrderSummary>(PushGroups.Market(MarketId), PushEvents.MarketOrder),
            s => s.OrderId == orderId && s.Status == OrderStatus.ReadyForPickup);
        Assert.Contains(Push.Payloads<PickTicketView>(PushGroups.Stall(Gwail), PushEvents.PickTicket),
            t => t.TicketId == $"{orderId}-t2" && t.Status == PickTicketStatus.Confirmed);
    }

    [Fact]
    public async Task Placing_again_with_the_same_command_replays_and_with_another_command_is_an_idempotency_mismatch()
    {
        var command = ThreeStalls("cust-idem", "k1");
        var grain = OrderGrain(OrderIdFor(command));
        var first = await PlaceAsync(command);

        var again = await grain.Place(ThreeStalls("cust-idem", "k1"));

        Assert.True(again.Succeeded, again.Error?.Detail);
        Assert.True(again.Value!.Replayed);
        Assert.Equal(Canonical(first), Canonical(again.Value.Order));

        var different = command with { Lines = command.Lines.SetItem(0, command.Lines[0] with { Quantity = 3 }) };
        var mismatch = await grain.Place(different);

        Assert.False(mismatch.Succeeded);
        Assert.Equal(ErrorKind.IdempotencyMismatch, mismatch.Error!.Kind);
        Assert.Equal(Canonical(first), Canonical(await grain.GetView()));
        Assert.Single(await Cluster.GrainFactory.GetGrain<IMarketGrain>(MarketId).GetOrders(null), o => o.OrderId == first.OrderId);
    }

    [Fact]
    public async Task A_refused_placement_stores_nothing_and_a_later_valid_one_succeeds()
    {
        var command = ThreeStalls("cust-invalid", "k1");
        var grain = OrderGrain(OrderIdFor(command));

        var refused = await grain.Place(command with { SlotId = "2026-11-23-1100" }); // cut off at 10:00

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Contains("slotId", refused.Error.Fields!.Keys);
        Assert.Null(await grain.GetView());
        Assert.Null(await BoardEntryAsync(OrderIdFor(command)));

        Assert.Equal(OrderStatus.Placed, (await PlaceAsync(command)).Status);
    }

    [Fact]
    public async Task Confirming_a_ticket_again_differently_is_a_conflict_and_the_same_way_is_a_replay()
    {
        var command = ThreeStalls("cust-twice", "k1");
        var orderId = OrderIdFor(command);
        await PlaceAsync(command);
        var grain = OrderGrain(orderId);
        var first = await grain.ConfirmTicket(Chaeso, $"{orderId}-t1", Picks(new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1)));
        Assert.True(first.Succeeded, first.Error?.Detail);
        var before = await grain.GetView();

        var different = await grain.ConfirmTicket(Chaeso, $"{orderId}-t1", Picks(new PickConfirmation("daepa", 1), new PickConfirmation("mu", 1)));
        Assert.Equal(ErrorKind.Conflict, different.Error!.Kind);

        var same = await grain.ConfirmTicket(Chaeso, $"{orderId}-t1", Picks(new PickConfirmation("mu", 1), new PickConfirmation("daepa", 2)));
        Assert.True(same.Succeeded, same.Error?.Detail);
        Assert.True(same.Value!.Replayed);
        Assert.Equal(Canonical(before), Canonical(await grain.GetView()));
        Assert.Equal(2, (await StallTicketAsync(Chaeso, $"{orderId}-t1"))!.Version);
    }

    [Fact]
    public async Task Confirming_through_the_wrong_stall_or_an_unknown_order_is_not_found()
    {
        var command = ThreeStalls("cust-wrong", "k1");
        var orderId = OrderIdFor(command);
        await PlaceAsync(command);

        var wrongStall = await OrderGrain(orderId).ConfirmTicket(Gwail, $"{orderId}-t1", Picks(new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1)));
        Assert.Equal(ErrorKind.NotFound, wrongStall.Error!.Kind);

        var unknownStall = await OrderGrain(orderId).ConfirmTicket("nowhere", $"{orderId}-t1", Picks(new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1)));
        Assert.Equal(ErrorKind.NotFound, unknownStall.Error!.Kind);

        var noOrder = await OrderGrain("o-22222222222222222").ConfirmTicket(Chaeso, "o-22222222222222222-t1", Picks(new PickConfirmation("daepa", 2)));
        Assert.Equal(ErrorKind.NotFound, noOrder.Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await OrderGrain("o-33333333333333333").Cancel("nothing")).Error!.Kind);

        Assert.Equal(OrderStatus.Placed, (await OrderGrain(orderId).GetView())!.Status);
    }

    [Fact]
    public async Task Cancelling_withdraws_the_open_tickets_from_their_stalls_and_refuses_later_confirmation()
    {
        var command = ThreeStalls("cust-cancel", "k1");
        var orderId = OrderIdFor(command);
        await PlaceAsync(command);
        var grain = OrderGrain(orderId);
        Assert.True((await grain.ConfirmTicket(Susan, $"{orderId}-t3", Picks(new PickConfirmation("godeungeo", 1)))).Succeeded);

        var cancelled = await grain.Cancel("고객 요청");

        Assert.True(cancelled.Succeeded, cancelled.Error?.Detail);
        Assert.Equal(OrderStatus.Cancelled, cancelled.Value!.Status);
        Assert.Equal((0L, ThreeStallsTotal), (cancelled.Value.ChargedTotalWon, cancelled.Value.RefundWon));
        Assert.Equal(PickTicketStatus.Cancelled, (await StallTicketAsync(Chaeso, $"{orderId}-t1"))!.Status);
        Assert.Equal(PickTicketStatus.Cancelled, (await StallTicketAsync(Gwail, $"{orderId}-t2"))!.Status);
        Assert.Equal(PickTicketStatus.Confirmed, (await StallTicketAsync(Susan, $"{orderId}-t3"))!.Status);
        Assert.Equal((OrderStatus.Cancelled, 0), ((await BoardEntryAsync(orderId))!.Status, (await BoardEntryAsync(orderId))!.TicketsOpen));

        var late = await grain.ConfirmTicket(Chaeso, $"{orderId}-t1", Picks(new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1)));
        Assert.Equal(ErrorKind.Conflict, late.Error!.Kind);
        var again = await grain.Cancel("again");
        Assert.Equal(ErrorKind.Conflict, again.Error!.Kind);
    }

    [Fact]
    public async Task Order_state_is_read_back_from_storage_after_its_activation_is_collected()
    {
        var command = ThreeStalls("cust-collect", "k1");
        var orderId = OrderIdFor(command);
        await PlaceAsync(command);
        Assert.True((await OrderGrain(orderId).ConfirmTicket(Chaeso, $"{orderId}-t1", Picks(new PickConfirmation("daepa", 0), new PickConfirmation("mu", 1)))).Succeeded);
        var before = await OrderGrain(orderId).GetView();

        var management = Cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        Assert.True(await ActiveOrderGrainsAsync(management) > 0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(0, await ActiveOrderGrainsAsync(management));

        Assert.Equal(Canonical(before), Canonical(await OrderGrain(orderId).GetView()));
        Assert.Equal(PickTicketStatus.Confirmed, (await StallTicketAsync(Chaeso, $"{orderId}-t1"))!.Status);
        Assert.True((await OrderGrain(orderId).Place(command)).Value!.Replayed);
    }

    private static async Task<int> ActiveOrderGrainsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(Orders.OrderGrain), StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
}
