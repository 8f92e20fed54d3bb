using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Grains.Tests.Support;
using static MarketDelivery.Grains.Tests.Support.Baskets;

namespace MarketDelivery.Grains.Tests;

/// <summary>
/// A substitute nobody decides on is refunded when its time is up, by the order's reminder alone (no call touches the
/// order), also when the whole cluster was restarted in between.
/// </summary>
public sealed class SubstitutionExpiryTests(GrainDatabaseFixture database) : IClassFixture<GrainDatabaseFixture>
{
    private static readonly PickConfirmation[] FruitPicks = [new("sagwa-busa", 2, "sagwa-hongro"), new("gamgyul", 2)];

    [Fact]
    public async Task A_pending_substitute_expires_after_a_restart_without_any_call_to_the_order()
    {
        var command = ThreeStalls("cust-expiry", "k1");
        var orderId = OrderIdFor(command);

        var first = await GrainCluster.StartAsync(database.ConnectionString, database.Services);
        try
        {
            var grain = first.GrainFactory.GetGrain<IOrderGrain>(orderId);
            Assert.True((await grain.Place(command)).Succeeded);
            var confirmed = await grain.ConfirmTicket(Gwail, $"{orderId}-t2", Picks(FruitPicks));
            Assert.True(confirmed.Succeeded, confirmed.Error?.Detail);
            var view = (await grain.GetView())!;
            Assert.Equal(ProposalStatus.Pending, view.Lines[1].Proposal!.Status);
            Assert.Equal(ThreeStallsTotal - 2200, view.ChargedTotalWon); // 홍로 ×2 charged while pending
        }
        finally
        {
            await GrainCluster.StopAsync(first);
        }

        // Business time moves past the 10-minute window while no silo runs.
        database.Services.Time.Advance(TimeSpan.FromMinutes(11));
        var second = await GrainCluster.StartAsync(database.ConnectionString, database.Services);
        try
        {
            var push = await database.Services.Push.WaitForAsync(
                p => p.Group == PushGroups.Order(orderId) && p.Payload is OrderView { Lines: var lines } && lines[1].Proposal?.Status == ProposalStatus.Expired,
                TimeSpan.FromSeconds(60));
            var expired = (OrderView)push.Payload;
            Assert.Equal((PickOutcome.NotAvailable, 0L), (expired.Lines[1].Pick!.Outcome, expired.Lines[1].Pick!.ChargedWon));
            Assert.Equal(ThreeStallsTotal - 30600, expired.ChargedTotalWon);
            Assert.Equal(30600, expired.RefundWon);

            // The stall's tablet is told too, and the expiry is stored: the customer's late answer is a conflict.
            Assert.Contains(database.Services.Push.Payloads<PickTicketView>(PushGroups.Stall(Gwail), PushEvents.PickTicket),
                t => t.OrderId == orderId && t.Lines.Any(l => l.Proposal?.Status == ProposalStatus.Expired));
            var late = await second.GrainFactory.GetGrain<IOrderGrain>(orderId).DecideSubstitution(2, approve: true);
            Assert.Equal(ErrorKind.Conflict, late.Error!.Kind);
            Assert.Equal(expired.Version, (await second.GrainFactory.GetGrain<IOrderGrain>(orderId).GetView())!.Version);
        }
        finally
        {
            await GrainCluster.StopAsync(second);
        }
    }

    [Fact]
    public async Task An_approved_substitute_stays_charged_after_its_window()
    {
        var command = ThreeStalls("cust-approve", "k1");
        var orderId = OrderIdFor(command);
        var cluster = await GrainCluster.StartAsync(database.ConnectionString, database.Services);
        try
        {
            var grain = cluster.GrainFactory.GetGrain<IOrderGrain>(orderId);
            Assert.True((await grain.Place(command)).Succeeded);
            Assert.True((await grain.ConfirmTicket(Gwail, $"{orderId}-t2", Picks(FruitPicks))).Succeeded);

            var approved = await grain.DecideSubstitution(2, approve: true);
            Assert.True(approved.Succeeded, approved.Error?.Detail);
            Assert.Equal(ProposalStatus.Approved, approved.Value!.Lines[1].Proposal!.Status);
            var pushed = await database.Services.Push.WaitForAsync(
                p => p.Group == PushGroups.Order(orderId) && p.Payload is OrderView v && v.Version == approved.Value.Version, TimeSpan.FromSeconds(10));
            Assert.Equal(ProposalStatus.Approved, ((OrderView)pushed.Payload).Lines[1].Proposal!.Status);

            database.Services.Time.Advance(TimeSpan.FromMinutes(11));
            var after = await grain.DecideSubstitution(2, approve: true); // a repeated tap, after the window
            Assert.True(after.Succeeded, after.Error?.Detail);
            Assert.Equal(approved.Value.Version, after.Value!.Version);
            Assert.Equal(ThreeStallsTotal - 2200, after.Value.ChargedTotalWon);
            Assert.Equal(ErrorKind.Conflict, (await grain.DecideSubstitution(2, approve: false)).Error!.Kind);
        }
        finally
        {
            await GrainCluster.StopAsync(cluster);
        }
    }
}
