using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Grains.Tests.Support;
using Orleans.TestingHost;
using static MarketDelivery.Grains.Tests.Support.Baskets;

namespace MarketDelivery.Grains.Tests;

/// <summary>Everything an order touched survives stopping the whole cluster and starting a new one on the same database.</summary>
public sealed class RestartTests(GrainDatabaseFixture database) : IClassFixture<GrainDatabaseFixture>
{
    private sealed record Snapshot(string Order, string Board, Dictionary<string, string> StallTickets, string Courier);

    private static async Task<Snapshot> ReadAsync(TestCluster cluster, string orderId)
    {
        // Stalls and the board first: they must come from their own storage, not from the order re-syncing them.
        var stalls = new Dictionary<string, string>();
        foreach (var stallId in new[] { Chaeso, Gwail, Susan })
        {
            var tickets = await cluster.GrainFactory.GetGrain<IStallGrain>(stallId).GetTickets(null);
            stalls[stallId] = Canonical(tickets.Where(t => t.OrderId == orderId).ToList());
        }

        var board = await cluster.GrainFactory.GetGrain<IMarketGrain>(MarketId).GetOrders(null);
        var courier = await cluster.GrainFactory.GetGrain<ICourierGrain>("courier-restart").GetView();
        var order = await cluster.GrainFactory.GetGrain<IOrderGrain>(orderId).GetView();
        return new Snapshot(Canonical(order), Canonical(board), stalls, Canonical(courier));
    }

    [Fact]
    public async Task Orders_stall_tickets_market_board_and_couriers_survive_a_full_cluster_restart()
    {
        var command = ThreeStalls("cust-restart", "k1");
        var orderId = OrderIdFor(command);
        var now = database.Services.Clock.GetUtcNow();

        Snapshot before;
        OrderView placedView;
        var first = await GrainCluster.StartAsync(database.ConnectionString, database.Services);
        try
        {
            var placed = await first.GrainFactory.GetGrain<IOrderGrain>(orderId).Place(command);
            Assert.True(placed.Succeeded, placed.Error?.Detail);
            var confirmed = await first.GrainFactory.GetGrain<IOrderGrain>(orderId)
                .ConfirmTicket(Gwail, $"{orderId}-t2", Picks(new PickConfirmation("sagwa-busa", 2, "sagwa-hongro"), new PickConfirmation("gamgyul", 1)));
            Assert.True(confirmed.Succeeded, confirmed.Error?.Detail);
            var courier = first.GrainFactory.GetGrain<ICourierGrain>("courier-restart");
            Assert.True((await courier.Register(CourierGrainTests.Profile)).Succeeded);
            Assert.True((await courier.StartShift(now.AddHours(3))).Succeeded);

            before = await ReadAsync(first, orderId);
            placedView = (await first.GrainFactory.GetGrain<IOrderGrain>(orderId).GetView())!;
        }
        finally
        {
            await GrainCluster.StopAsync(first);
        }

        Assert.Equal(OrderStatus.Picking, placedView.Status);
        Assert.Contains(orderId, before.Board, StringComparison.Ordinal);
        Assert.All(before.StallTickets.Values, t => Assert.Contains(orderId, t, StringComparison.Ordinal));

        var second = await GrainCluster.StartAsync(database.ConnectionString, database.Services);
        try
        {
            var after = await ReadAsync(second, orderId);
            Assert.Equal(before.StallTickets, after.StallTickets);
            Assert.Equal(before.Board, after.Board);
            Assert.Equal(before.Courier, after.Courier);
            Assert.Equal(before.Order, after.Order);

            // The idempotent placement still recognises the retry, and a different command under the key is still refused.
            var grain = second.GrainFactory.GetGrain<IOrderGrain>(orderId);
            var replayed = await grain.Place(ThreeStalls("cust-restart", "k1"));
            Assert.True(replayed.Succeeded, replayed.Error?.Detail);
            Assert.True(replayed.Value!.Replayed);
            Assert.Equal(Canonical(placedView), Canonical(replayed.Value.Order));
            Assert.Equal(ErrorKind.IdempotencyMismatch, (await grain.Place(command with { SlotId = "2026-11-23-1500" })).Error!.Kind);

            // The confirmed ticket is still confirmed: a different confirmation conflicts, the same one replays.
            Assert.Equal(ErrorKind.Conflict, (await grain.ConfirmTicket(Gwail, $"{orderId}-t2",
                Picks(new PickConfirmation("sagwa-busa", 2), new PickConfirmation("gamgyul", 2)))).Error!.Kind);
            Assert.True((await grain.ConfirmTicket(Gwail, $"{orderId}-t2",
                Picks(new PickConfirmation("sagwa-busa", 2, "sagwa-hongro"), new PickConfirmation("gamgyul", 1)))).Value!.Replayed);

            // And the order carries on where it stopped.
            Assert.True((await grain.ConfirmTicket(Chaeso, $"{orderId}-t1", Picks(new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1)))).Succeeded);
            var last = await grain.ConfirmTicket(Susan, $"{orderId}-t3", Picks(new PickConfirmation("godeungeo", 1)));
            Assert.Equal(OrderStatus.ReadyForPickup, last.Value!.OrderStatus);
            const long charged = ThreeStallsTotal - 2200 - 5000;
            var ready = (await grain.GetView())!;
            Assert.Equal((charged, 2200L + 5000), (ready.ChargedTotalWon, ready.RefundWon));
            var summary = (await second.GrainFactory.GetGrain<IMarketGrain>(MarketId).GetOrders(SlotId)).Single(o => o.OrderId == orderId);
            Assert.Equal((OrderStatus.ReadyForPickup, 0, charged), (summary.Status, summary.TicketsOpen, summary.ChargedTotalWon));

            var courier = second.GrainFactory.GetGrain<ICourierGrain>("courier-restart");
            Assert.True((await courier.GetView())!.OnShift);
            Assert.True((await courier.EndShift()).Succeeded);
            Assert.Equal(ErrorKind.Conflict, (await courier.EndShift()).Error!.Kind);
        }
        finally
        {
            await GrainCluster.StopAsync(second);
        }
    }
}
