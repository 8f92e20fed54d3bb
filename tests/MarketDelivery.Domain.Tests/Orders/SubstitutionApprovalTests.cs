using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using static MarketDelivery.Domain.Tests.Orders.OrderTestData;

namespace MarketDelivery.Domain.Tests.Orders;

/// <summary>A substitute is proposed to the customer, who approves (charged) or rejects it (refunded) in time.</summary>
public sealed class SubstitutionApprovalTests
{
    // Confirm() confirms at Now + 5 min, so the default 10-minute window ends at Now + 15 min.
    private static readonly DateTimeOffset Confirmed = Now.AddMinutes(5);
    private static readonly DateTimeOffset Deadline = Confirmed + Order.DefaultApprovalWindow;

    /// <summary>Single-stall order: 부사 ×2 with 홍로 allowed (line 1), 감귤 ×2 (line 2), confirmed with 홍로 ×2 and 감귤 in full.</summary>
    private static Order SubstitutedOrder()
    {
        var order = NewOrder(Command([
            Line(Gwail, "sagwa-busa", 2, new Substitution(SubstitutionKind.Specific, "sagwa-hongro")),
            Line(Gwail, "gamgyul", 2),
        ]));
        Assert.True(Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 2, "sagwa-hongro"), new PickConfirmation("gamgyul", 2)).Succeeded);
        return order;
    }

    private const long Apples = 2 * 15300, Hongro = 2 * 14200, Tangerines = 2 * 5000;

    [Fact]
    public void A_substituted_line_is_proposed_with_a_deadline_and_charged_as_substituted_meanwhile()
    {
        var order = SubstitutedOrder();

        var proposal = order.Lines[0].Proposal;
        Assert.NotNull(proposal);
        Assert.Equal((ProposalStatus.Pending, Confirmed, Deadline, "sagwa-hongro"), (proposal.Status, proposal.ProposedAt, proposal.ExpiresAt, proposal.Offered.Sku));
        Assert.Null(order.Lines[1].Proposal);
        Assert.Equal(Deadline, order.NextProposalExpiry);
        // The order does not wait for the customer: it is ready and the bag holds the substitute.
        Assert.Equal(OrderStatus.ReadyForPickup, order.Status);
        Assert.Equal(Hongro + Tangerines, order.ChargedTotalWon);
        Assert.Equal(proposal, order.ToView().Lines[0].Proposal);
        Assert.Equal(proposal, order.TicketView(order.Tickets[0]).Lines.Single(l => l.Sku == "sagwa-busa").Proposal);
    }

    [Fact]
    public void A_configured_window_sets_the_deadline()
    {
        var order = NewOrder(Command([Line(Gwail, "sagwa-busa", 1, new Substitution(SubstitutionKind.BestMatch))]));
        order.ConfirmTicket(Gwail, TicketOf(order, Gwail), [new PickConfirmation("sagwa-busa", 1, "sagwa-hongro")], Stall(Gwail), Confirmed, TimeSpan.FromMinutes(3));

        Assert.Equal(Confirmed.AddMinutes(3), order.Lines[0].Proposal!.ExpiresAt);
    }

    [Fact]
    public void Approving_keeps_the_charge_and_a_repeated_approval_changes_nothing()
    {
        var order = SubstitutedOrder();
        var ticketVersion = order.Tickets[0].Version;

        Assert.Null(order.DecideSubstitution(1, approve: true, Deadline.AddSeconds(-1)));
        var version = order.Version;
        Assert.Null(order.DecideSubstitution(1, approve: true, Deadline.AddMinutes(5)));

        Assert.Equal(version, order.Version);
        Assert.Equal(ticketVersion + 1, order.Tickets[0].Version);
        Assert.Equal((ProposalStatus.Approved, Deadline.AddSeconds(-1)), (order.Lines[0].Proposal!.Status, order.Lines[0].Proposal!.DecidedAt));
        Assert.Equal(PickOutcome.Substituted, order.Lines[0].Pick!.Outcome);
        Assert.Equal((Hongro + Tangerines, Apples - Hongro), (order.ChargedTotalWon, order.RefundWon));
        Assert.Null(order.NextProposalExpiry);
        Assert.False(order.ExpireProposals(Deadline.AddHours(1)));
        Assert.Equal(ErrorKind.Conflict, order.DecideSubstitution(1, approve: false, Deadline.AddSeconds(-1))!.Kind);
    }

    [Fact]
    public void Rejecting_refunds_the_line_as_not_available()
    {
        var order = SubstitutedOrder();
        var version = order.Version;

        Assert.Null(order.DecideSubstitution(1, approve: false, Confirmed.AddMinutes(1)));

        Assert.Equal(version + 1, order.Version);
        var line = order.Lines[0];
        Assert.Equal(ProposalStatus.Rejected, line.Proposal!.Status);
        Assert.Equal((PickOutcome.NotAvailable, 0, 0L, Apples), (line.Pick!.Outcome, line.Pick.PickedQuantity, line.Pick.ChargedWon, line.Pick.RefundWon));
        Assert.Equal("sagwa-hongro", line.Proposal.Offered.Sku); // what was offered stays visible
        Assert.Equal((Tangerines, Apples), (order.ChargedTotalWon, order.RefundWon));
        Assert.Equal(OrderStatus.ReadyForPickup, order.Status);
        Assert.Equal(ErrorKind.Conflict, order.DecideSubstitution(1, approve: true, Confirmed.AddMinutes(2))!.Kind);
    }

    [Fact]
    public void An_undecided_proposal_expires_at_its_deadline_and_is_refunded()
    {
        var order = SubstitutedOrder();

        Assert.False(order.ExpireProposals(Deadline.AddTicks(-1)));
        Assert.True(order.ExpireProposals(Deadline));

        Assert.Equal(ProposalStatus.Expired, order.Lines[0].Proposal!.Status);
        Assert.Equal((Tangerines, Apples), (order.ChargedTotalWon, order.RefundWon));
        Assert.Null(order.NextProposalExpiry);
        var late = order.DecideSubstitution(1, approve: true, Deadline.AddMinutes(1));
        Assert.Equal(ErrorKind.Conflict, late!.Kind);
        Assert.Contains("refunded", late.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decision_after_the_deadline_is_refused_even_before_the_expiry_is_settled()
    {
        var order = SubstitutedOrder();
        var version = order.Version;

        Assert.Equal(ErrorKind.Conflict, order.DecideSubstitution(1, approve: true, Deadline)!.Kind);
        Assert.Equal(version, order.Version);
        Assert.Equal(ProposalStatus.Pending, order.Lines[0].Proposal!.Status);
    }

    [Fact]
    public void Unknown_lines_are_not_found_and_lines_without_a_substitute_conflict()
    {
        var order = SubstitutedOrder();

        Assert.Equal(ErrorKind.NotFound, order.DecideSubstitution(9, approve: true, Confirmed)!.Kind);
        Assert.Equal(ErrorKind.Conflict, order.DecideSubstitution(2, approve: true, Confirmed)!.Kind);
        var unpicked = NewOrder();
        Assert.Equal(ErrorKind.Conflict, unpicked.DecideSubstitution(2, approve: true, Now)!.Kind);
    }

    [Fact]
    public void Rejecting_the_only_thing_left_to_charge_cancels_the_ready_order_with_a_full_refund()
    {
        var order = NewOrder(Command([Line(Gwail, "sagwa-busa", 1, new Substitution(SubstitutionKind.BestMatch))]));
        Assert.True(Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 1, "sagwa-hongro")).Succeeded);
        Assert.Equal(OrderStatus.ReadyForPickup, order.Status);

        Assert.Null(order.DecideSubstitution(1, approve: false, Confirmed.AddMinutes(1)));

        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal((0L, 15300L), (order.ChargedTotalWon, order.RefundWon));
    }

    [Fact]
    public void Pick_up_settles_a_pending_proposal_as_expired_the_substitute_rides_free()
    {
        var order = SubstitutedOrder();
        Assert.True(order.PlanDelivery("courier-1", Confirmed.AddMinutes(30), null, Confirmed.AddMinutes(1)));

        Assert.Null(order.PickUp("courier-1", Confirmed.AddMinutes(2)));

        Assert.Equal(OrderStatus.OutForDelivery, order.Status);
        Assert.Equal(ProposalStatus.Expired, order.Lines[0].Proposal!.Status);
        Assert.Equal((Tangerines, Apples), (order.ChargedTotalWon, order.RefundWon));
        Assert.Null(order.NextProposalExpiry);
        Assert.Equal(ErrorKind.Conflict, order.DecideSubstitution(1, approve: true, Confirmed.AddMinutes(3))!.Kind);
    }

    [Fact]
    public void While_other_stalls_pick_a_decision_is_taken_and_the_order_carries_on()
    {
        var order = NewOrder();
        Assert.True(Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 2, "sagwa-hongro"), new PickConfirmation("gamgyul", 2)).Succeeded);
        Assert.Equal(OrderStatus.Picking, order.Status);

        Assert.Null(order.DecideSubstitution(2, approve: false, Confirmed.AddMinutes(1)));
        Assert.Equal(OrderStatus.Picking, order.Status);
        Assert.True(ConfirmInFull(order, Chaeso).Succeeded);
        Assert.True(ConfirmInFull(order, Jeongyuk).Succeeded);

        Assert.Equal(OrderStatus.ReadyForPickup, order.Status);
        Assert.Equal(MultiStallTotal - Apples, order.ChargedTotalWon);
    }

    [Fact]
    public void Cancelling_closes_a_pending_proposal()
    {
        var order = SubstitutedOrder();

        Assert.Null(order.Cancel("changed my mind", Confirmed.AddMinutes(1)));

        Assert.Null(order.NextProposalExpiry);
        Assert.Equal(ProposalStatus.Expired, order.Lines[0].Proposal!.Status);
    }
}
