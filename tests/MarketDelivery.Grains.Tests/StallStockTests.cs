using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Grains.Tests.Support;
using static MarketDelivery.Grains.Tests.Support.Baskets;

namespace MarketDelivery.Grains.Tests;

/// <summary>A merchant's availability and stock decide what can be ordered, at once and after a full cluster restart.</summary>
public sealed class StallStockTests(GrainDatabaseFixture database) : IClassFixture<GrainDatabaseFixture>
{
    private static PlaceOrder Tangerines(string key, int quantity) => new(
        "cust-stock", MarketId, Address, SlotId, [new OrderLineRequest(Gwail, "gamgyul", quantity, Substitution.None)], key);

    private static async Task<CommandResult<PlacedOrder>> Place(Orleans.TestingHost.TestCluster cluster, PlaceOrder command) =>
        await cluster.GrainFactory.GetGrain<IOrderGrain>(OrderIdFor(command)).Place(command);

    [Fact]
    public async Task Out_of_stock_refuses_orders_and_survives_a_restart_until_the_merchant_restocks()
    {
        var first = await GrainCluster.StartAsync(database.ConnectionString, database.Services);
        try
        {
            var set = await first.GrainFactory.GetGrain<IStallStockGrain>(Gwail).SetAvailability("gamgyul", available: false, stock: null);
            Assert.True(set.Succeeded, set.Error?.Detail);
            Assert.Equal((false, 1), (set.Value!.Available, set.Value.Version));
            Assert.Contains(database.Services.Push.Payloads<ProductState>(PushGroups.Stall(Gwail), PushEvents.Product), p => p.Sku == "gamgyul" && p.Version == 1);
            Assert.Contains(database.Services.Push.Payloads<ProductState>(PushGroups.Market(MarketId), PushEvents.Product), p => p.Sku == "gamgyul" && p.Version == 1);

            var refused = await Place(first, Tangerines("k1", 1));
            Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
            Assert.Contains("lines[0].sku", refused.Error.Fields!.Keys);
        }
        finally
        {
            await GrainCluster.StopAsync(first);
        }

        var second = await GrainCluster.StartAsync(database.ConnectionString, database.Services);
        try
        {
            var stock = second.GrainFactory.GetGrain<IStallStockGrain>(Gwail);
            var tangerines = (await stock.GetProducts()).Single(p => p.Sku == "gamgyul");
            Assert.Equal((false, 1, 5000L), (tangerines.Available, tangerines.Version, tangerines.PriceWon));
            Assert.Equal(ErrorKind.Invalid, (await Place(second, Tangerines("k2", 1))).Error!.Kind);

            // Back in stock with 5 counted: 6 is too many, 5 is fine.
            var restocked = await stock.SetAvailability("gamgyul", available: true, stock: 5);
            Assert.Equal((true, 5, 2), (restocked.Value!.Available, restocked.Value.Stock, restocked.Value.Version));
            var tooMany = await Place(second, Tangerines("k3", 6));
            Assert.Contains("lines[0].quantity", tooMany.Error!.Fields!.Keys);
            var placed = await Place(second, Tangerines("k4", 5));
            Assert.True(placed.Succeeded, placed.Error?.Detail);

            // The same setting again is no change; unknown products and negative stock are refused.
            Assert.Equal(2, (await stock.SetAvailability("gamgyul", true, 5)).Value!.Version);
            Assert.Equal(ErrorKind.NotFound, (await stock.SetAvailability("no-such-sku", true, null)).Error!.Kind);
            Assert.Equal(ErrorKind.Invalid, (await stock.SetAvailability("gamgyul", true, -1)).Error!.Kind);
        }
        finally
        {
            await GrainCluster.StopAsync(second);
        }
    }
}
