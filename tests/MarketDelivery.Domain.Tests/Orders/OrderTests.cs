using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using static MarketDelivery.Domain.Tests.Orders.OrderTestData;

namespace MarketDelivery.Domain.Tests.Orders;

public sealed class OrderCreateTests
{
    [Fact]
    public void Splits_into_one_ticket_per_stall_in_first_appearance_order()
    {
        var order = NewOrder();

        Assert.Equal(
            [(OrderId + "-t1", Chaeso, "망원농산"), (OrderId + "-t2", Gwail, "햇살과일"), (OrderId + "-t3", Jeongyuk, "망원축산")],
            order.Tickets.Select(t => (t.TicketId, t.StallId, t.StallName)));
        Assert.All(order.Tickets, t => Assert.Equal(PickTicketStatus.Open, t.Status));
        Assert.All(order.Tickets, t => Assert.Equal(OrderId, OrderIds.OrderIdOfTicket(t.TicketId)));
    }

    [Fact]
    public void Copies_the_basket_with_catalogue_prices_and_starts_placed()
    {
        var order = NewOrder();

        Assert.True(order.IsPlaced);
        Assert.Equal(OrderId, order.OrderId);
        Assert.Equal("cust-1", order.CustomerId);
        Assert.Equal(MarketId, order.MarketId);
        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.Null(order.StatusReason);
        Assert.Equal(SlotId, order.SlotId);
        Assert.Equal(Now, order.PlacedAt);
        Assert.Equal(Now, order.UpdatedAt);
        Assert.Equal(1, order.Version);
        Assert.Equal(OrderPlacement.Fingerprint(Command()), order.Fingerprint);
        Assert.Equal(
            [(1, Chaeso, "daepa", 2, 2400L), (2, Gwail, "sagwa-busa", 2, 15300), (3, Chaeso, "mu", 1, 2300), (4, Jeongyuk, "samgyeopsal", 1, 15800), (5, Gwail, "gamgyul", 2, 5000)],
            order.Lines.Select(l => (l.LineNo, l.StallId, l.Sku, l.Quantity, l.UnitPriceWon)));
        Assert.All(order.Lines, l => Assert.Null(l.Pick));
        // 2*700 + 2*1500 + 1500 + 600 + 2*1000
        Assert.Equal(8500, order.WeightGrams);
    }

    [Fact]
    public void Totals_before_picking_charge_the_ordered_amount()
    {
        var order = NewOrder();

        Assert.Equal(MultiStallTotal, order.OrderedTotalWon);
        Assert.Equal(MultiStallTotal, order.ChargedTotalWon);
        Assert.Equal(0, order.RefundWon);
        var view = order.ToView();
        Assert.Equal((MultiStallTotal, MultiStallTotal, 0L), (view.OrderedTotalWon, view.ChargedTotalWon, view.RefundWon));
    }

    [Fact]
    public void Ticket_views_hold_only_their_stalls_lines()
    {
        var order = NewOrder();

        var gwail = order.TicketView(order.Tickets[1]);

        Assert.Equal(OrderId + "-t2", gwail.TicketId);
        Assert.Equal(OrderId, gwail.OrderId);
        Assert.Equal(Gwail, gwail.StallId);
        Assert.Equal(["sagwa-busa", "gamgyul"], gwail.Lines.Select(l => l.Sku));
        Assert.Equal(30600 + 10000, gwail.TicketTotalWon);
        Assert.Equal(PickTicketStatus.Open, gwail.Status);
        Assert.Null(gwail.ConfirmedAt);
        Assert.Equal(1, gwail.Version);

        var summary = order.ToSummary();
        Assert.Equal(3, summary.TicketsOpen);
        Assert.Equal(MultiStallTotal, summary.ChargedTotalWon);
        Assert.Equal(new GeoPosition(37.556, 126.9063), summary.Destination);
        Assert.Equal(order.Version, summary.Version);
    }
}

public sealed class OrderPickingTests
{
    private static PickResultView PickOf(Order order, string sku) => order.Lines.Single(l => l.Sku == sku).Pick!;

    [Fact]
    public void Picked_in_full_charges_the_line_total()
    {
        var order = NewOrder();

        var result = ConfirmInFull(order, Jeongyuk);

        Assert.True(result.Succeeded, result.Error?.Detail);
        var pick = PickOf(order, "samgyeopsal");
        Assert.Equal((PickOutcome.Picked, "samgyeopsal", 1, 15800L, 15800L, 0L), (pick.Outcome, pick.Sku, pick.PickedQuantity, pick.UnitPriceWon, pick.ChargedWon, pick.RefundWon));
        Assert.Equal(order.Lines.Single(l => l.Sku == "samgyeopsal").Name, pick.Name);
        Assert.Equal(MultiStallTotal, order.ChargedTotalWon);
        Assert.Equal(0, order.RefundWon);
    }

    [Fact]
    public void Short_and_not_available_lines_charge_what_was_picked()
    {
        var order = NewOrder();

        var result = Confirm(order, Chaeso, new PickConfirmation("daepa", 1), new PickConfirmation("mu", 0));

        Assert.True(result.Succeeded, result.Error?.Detail);
        var daepa = PickOf(order, "daepa");
        Assert.Equal((PickOutcome.Short, "daepa", 1, 2400L, 2400L, 2400L), (daepa.Outcome, daepa.Sku, daepa.PickedQuantity, daepa.UnitPriceWon, daepa.ChargedWon, daepa.RefundWon));
        var mu = PickOf(order, "mu");
        Assert.Equal((PickOutcome.NotAvailable, "mu", 0, 0L, 2300L), (mu.Outcome, mu.Sku, mu.PickedQuantity, mu.ChargedWon, mu.RefundWon));
        Assert.Equal(MultiStallTotal, order.OrderedTotalWon);
        Assert.Equal(MultiStallTotal - 2400 - 2300, order.ChargedTotalWon);
        Assert.Equal(2400 + 2300, order.RefundWon);
    }

    [Fact]
    public void A_cheaper_substitute_is_charged_at_its_price_and_a_dearer_one_at_most_the_ordered_line_total()
    {
        var order = NewOrder();

        var result = Confirm(order, Gwail,
            new PickConfirmation("sagwa-busa", 2, "sagwa-hongro"),    // specific: 2 × 14,200 instead of 2 × 15,300
            new PickConfirmation("gamgyul", 2, "shine-muscat"));      // best match: 2 × 11,800 but ordered 2 × 5,000

        Assert.True(result.Succeeded, result.Error?.Detail);
        var cheaper = PickOf(order, "sagwa-busa");
        Assert.Equal((PickOutcome.Substituted, "sagwa-hongro", 2, 14200L, 28400L, 2200L),
            (cheaper.Outcome, cheaper.Sku, cheaper.PickedQuantity, cheaper.UnitPriceWon, cheaper.ChargedWon, cheaper.RefundWon));
        Assert.Equal("사과(홍로)", cheaper.Name);
        var dearer = PickOf(order, "gamgyul");
        Assert.Equal((PickOutcome.Substituted, "shine-muscat", 2, 11800L, 10000L, 0L),
            (dearer.Outcome, dearer.Sku, dearer.PickedQuantity, dearer.UnitPriceWon, dearer.ChargedWon, dearer.RefundWon));
        Assert.Equal(MultiStallTotal - 2200, order.ChargedTotalWon);
        Assert.Equal(2200, order.RefundWon);
        // The substitutes' weights count: 2 × 1,400 g apples and 2 × 700 g grapes instead of 3,000 g and 2,000 g.
        Assert.Equal(8500 - 3000 - 2000 + 2800 + 1400, order.WeightGrams);
    }

    [Fact]
    public void A_substitute_for_fewer_units_than_ordered_is_charged_for_what_was_picked()
    {
        var order = NewOrder();

        Assert.True(Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 1, "sagwa-hongro"), new PickConfirmation("gamgyul", 2)).Succeeded);

        var pick = PickOf(order, "sagwa-busa");
        Assert.Equal((14200L, 30600L - 14200), (pick.ChargedWon, pick.RefundWon));
    }

    [Fact]
    public void Refund_is_always_ordered_minus_charged_after_a_full_pick_round()
    {
        var order = NewOrder();

        Assert.True(Confirm(order, Chaeso, new PickConfirmation("daepa", 1), new PickConfirmation("mu", 1, "aehobak")).Succeeded);
        Assert.True(Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 0), new PickConfirmation("gamgyul", 2, "tomato")).Succeeded);
        Assert.True(ConfirmInFull(order, Jeongyuk).Succeeded);

        // daepa 2400 + aehobak 1400 + apples 0 + tomato min(11800, 10000) + samgyeopsal 15800
        const long charged = 2400 + 1400 + 0 + 10000 + 15800;
        Assert.Equal(OrderStatus.ReadyForPickup, order.Status);
        Assert.Equal(MultiStallTotal, order.OrderedTotalWon);
        Assert.Equal(charged, order.ChargedTotalWon);
        Assert.Equal(MultiStallTotal - charged, order.RefundWon);
        Assert.Equal(order.Lines.Sum(l => l.Pick!.RefundWon), order.RefundWon);
        var view = order.ToView();
        Assert.Equal((MultiStallTotal, charged, MultiStallTotal - charged), (view.OrderedTotalWon, view.ChargedTotalWon, view.RefundWon));
        Assert.Equal(charged, order.ToSummary().ChargedTotalWon);
    }
}

public sealed class OrderStatusTests
{
    [Fact]
    public void Confirming_tickets_moves_placed_to_picking_to_ready_for_pickup()
    {
        var order = NewOrder();

        var first = ConfirmInFull(order, Chaeso);
        Assert.Equal(OrderStatus.Picking, first.Value!.OrderStatus);
        Assert.Equal(OrderStatus.Picking, order.Status);
        Assert.Equal(2, order.Version);

        var second = ConfirmInFull(order, Jeongyuk);
        Assert.Equal(OrderStatus.Picking, second.Value!.OrderStatus);
        Assert.Equal(3, order.Version);
        Assert.Equal(1, order.ToSummary().TicketsOpen);

        var last = ConfirmInFull(order, Gwail);
        Assert.Equal(OrderStatus.ReadyForPickup, last.Value!.OrderStatus);
        Assert.Equal(OrderStatus.ReadyForPickup, order.Status);
        Assert.Null(order.StatusReason);
        Assert.Equal(4, order.Version);
        Assert.Equal(Now.AddMinutes(5), order.UpdatedAt);
        Assert.All(order.Tickets, t => Assert.Equal(PickTicketStatus.Confirmed, t.Status));
        Assert.Equal(0, order.ToSummary().TicketsOpen);
    }

    [Fact]
    public void A_single_stall_order_goes_straight_to_ready_for_pickup()
    {
        var order = NewOrder(Command([Line(Chaeso, "daepa", 1)]));

        Assert.Equal(OrderStatus.ReadyForPickup, ConfirmInFull(order, Chaeso).Value!.OrderStatus);
    }

    [Fact]
    public void Nothing_picked_anywhere_cancels_the_order_with_a_full_refund()
    {
        var order = NewOrder();

        Assert.True(Confirm(order, Chaeso, new PickConfirmation("daepa", 0), new PickConfirmation("mu", 0)).Succeeded);
        Assert.True(Confirm(order, Jeongyuk, new PickConfirmation("samgyeopsal", 0)).Succeeded);
        var last = Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 0), new PickConfirmation("gamgyul", 0));

        Assert.Equal(OrderStatus.Cancelled, last.Value!.OrderStatus);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.False(string.IsNullOrWhiteSpace(order.StatusReason));
        Assert.Equal(0, order.ChargedTotalWon);
        Assert.Equal(MultiStallTotal, order.RefundWon);
        Assert.Equal(0, order.WeightGrams);
    }

    [Fact]
    public void Some_picked_somewhere_is_ready_for_pickup_not_cancelled()
    {
        var order = NewOrder();

        Confirm(order, Chaeso, new PickConfirmation("daepa", 0), new PickConfirmation("mu", 0));
        Confirm(order, Jeongyuk, new PickConfirmation("samgyeopsal", 0));
        var last = Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 0), new PickConfirmation("gamgyul", 1));

        Assert.Equal(OrderStatus.ReadyForPickup, last.Value!.OrderStatus);
        Assert.Equal(5000, order.ChargedTotalWon);
        Assert.Equal(MultiStallTotal - 5000, order.RefundWon);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Cancel_is_legal_while_the_order_is_at_the_market(int ticketsConfirmed)
    {
        var order = NewOrder();
        foreach (var stall in new[] { Chaeso, Gwail, Jeongyuk }.Take(ticketsConfirmed))
        {
            ConfirmInFull(order, stall);
        }

        var expectedBefore = ticketsConfirmed == 0 ? OrderStatus.Placed : OrderStatus.Picking;
        Assert.Equal(expectedBefore, order.Status);
        var version = order.Version;

        var refused = order.Cancel("고객 요청", Now.AddMinutes(10));

        Assert.Null(refused);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal("고객 요청", order.StatusReason);
        Assert.Equal(Now.AddMinutes(10), order.UpdatedAt);
        Assert.Equal(version + 1, order.Version);
        Assert.Equal(0, order.ChargedTotalWon);
        Assert.Equal(MultiStallTotal, order.RefundWon);
        // Open tickets are withdrawn; confirmed ones stay confirmed.
        Assert.Equal(ticketsConfirmed, order.Tickets.Count(t => t.Status == PickTicketStatus.Confirmed));
        Assert.Equal(3 - ticketsConfirmed, order.Tickets.Count(t => t.Status == PickTicketStatus.Cancelled));
        Assert.All(order.Tickets.Where(t => t.Status == PickTicketStatus.Cancelled), t => Assert.Equal(2, t.Version));
        Assert.Equal(0, order.ToSummary().TicketsOpen);
    }

    [Fact]
    public void Cancel_is_legal_when_ready_for_pickup_and_a_blank_reason_gets_a_default()
    {
        var order = NewOrder(Command([Line(Chaeso, "daepa", 1)]));
        ConfirmInFull(order, Chaeso);
        Assert.Equal(OrderStatus.ReadyForPickup, order.Status);

        Assert.Null(order.Cancel(" ", Now));

        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.False(string.IsNullOrWhiteSpace(order.StatusReason));
        Assert.Equal(2400, order.RefundWon);
    }

    [Fact]
    public void Cancel_is_refused_once_cancelled()
    {
        var order = NewOrder();
        Assert.Null(order.Cancel("first", Now));
        var version = order.Version;

        var refused = order.Cancel("second", Now.AddMinutes(1));

        Assert.NotNull(refused);
        Assert.Equal(ErrorKind.Conflict, refused.Kind);
        Assert.Contains("Cancelled", refused.Detail, StringComparison.Ordinal);
        Assert.Equal("first", order.StatusReason);
        Assert.Equal(version, order.Version);
    }

    [Theory]
    [InlineData(OrderStatus.OutForDelivery)]
    [InlineData(OrderStatus.Delivered)]
    public void Cancel_is_refused_once_the_order_left_the_market(OrderStatus reached)
    {
        var order = NewOrder(Command([Line(Chaeso, "daepa", 1)]));
        ConfirmInFull(order, Chaeso);
        Assert.Null(order.TryMoveTo(OrderStatus.OutForDelivery, null, Now));
        if (reached == OrderStatus.Delivered)
        {
            Assert.Null(order.TryMoveTo(OrderStatus.Delivered, null, Now));
        }

        var version = order.Version;

        var refused = order.Cancel("too late", Now);

        Assert.NotNull(refused);
        Assert.Equal(ErrorKind.Conflict, refused.Kind);
        Assert.Contains(reached.ToString(), refused.Detail, StringComparison.Ordinal);
        Assert.Equal(reached, order.Status);
        Assert.Equal(version, order.Version);
        Assert.Equal(2400, order.ChargedTotalWon);
    }

    [Fact]
    public void TryMoveTo_refuses_an_illegal_move_without_changing_the_order()
    {
        var order = NewOrder();

        var refused = order.TryMoveTo(OrderStatus.Delivered, null, Now);

        Assert.Equal(ErrorKind.Conflict, refused!.Kind);
        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.Equal(1, order.Version);
    }
}

public sealed class ConfirmTicketRuleTests
{
    private static CommandError Refused(CommandResult<TicketConfirmation> result)
    {
        Assert.False(result.Succeeded);
        return result.Error!;
    }

    private static void AssertInvalid(Order order, CommandResult<TicketConfirmation> result, string field)
    {
        var error = Refused(result);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.True(error.Fields!.ContainsKey(field), $"expected '{field}' among [{string.Join(", ", error.Fields.Keys)}]: {error.Detail}");
        // Nothing was applied.
        Assert.All(order.Lines, l => Assert.Null(l.Pick));
        Assert.All(order.Tickets, t => Assert.Equal(PickTicketStatus.Open, t.Status));
        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.Equal(1, order.Version);
    }

    [Fact]
    public void Every_line_must_be_confirmed()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2)), "lines");
    }

    [Fact]
    public void An_empty_confirmation_is_missing_every_line()
    {
        var order = NewOrder();
        var result = Confirm(order, Chaeso);
        AssertInvalid(order, result, "lines");
        Assert.Contains("daepa", result.Error!.Fields!["lines"][0], StringComparison.Ordinal);
        Assert.Contains("mu", result.Error.Fields["lines"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_sku_is_refused()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1), new PickConfirmation("jjokpa", 1)), "lines[2]");
    }

    [Fact]
    public void A_sku_of_another_ticket_is_refused()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1), new PickConfirmation("gamgyul", 2)), "lines[2]");
    }

    [Fact]
    public void A_sku_confirmed_twice_in_one_request_is_refused()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1), new PickConfirmation("daepa", 1)), "lines[2]");
    }

    [Fact]
    public void More_picked_than_ordered_is_refused()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 3), new PickConfirmation("mu", 1)), "lines[0]");
    }

    [Fact]
    public void A_negative_quantity_is_refused()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2), new PickConfirmation("mu", -1)), "lines[1]");
    }

    [Fact]
    public void A_substitute_is_refused_when_the_customer_accepts_none()
    {
        var order = NewOrder();
        // daepa was ordered with Substitution.None.
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2, "jjokpa"), new PickConfirmation("mu", 1)), "lines[0]");
    }

    [Fact]
    public void A_specific_preference_refuses_any_other_sku()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 2, "dangam"), new PickConfirmation("gamgyul", 2)), "lines[0]");
    }

    [Fact]
    public void A_best_match_substitute_must_be_a_product_of_the_stall()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1, "durian")), "lines[1]");
    }

    [Fact]
    public void A_best_match_substitute_from_another_stall_is_refused()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1, "gamgyul")), "lines[1]");
    }

    [Fact]
    public void A_product_cannot_substitute_for_itself()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Chaeso, new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1, "mu")), "lines[1]");
    }

    [Fact]
    public void A_substitution_needs_at_least_one_unit()
    {
        var order = NewOrder();
        AssertInvalid(order, Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 0, "sagwa-hongro"), new PickConfirmation("gamgyul", 2)), "lines[0]");
    }

    [Fact]
    public void Each_bad_line_is_reported()
    {
        var order = NewOrder();
        var result = Confirm(order, Gwail, new PickConfirmation("sagwa-busa", 9), new PickConfirmation("gamgyul", -1));
        AssertInvalid(order, result, "lines[0]");
        Assert.Equal(["lines[0]", "lines[1]"], result.Error!.Fields!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_ticket_of_another_stall_is_not_found()
    {
        var order = NewOrder();

        var result = order.ConfirmTicket(Gwail, TicketOf(order, Chaeso), [new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1)], Stall(Gwail), Now);

        Assert.Equal(ErrorKind.NotFound, Refused(result).Kind);
        Assert.All(order.Lines, l => Assert.Null(l.Pick));
    }

    [Fact]
    public void An_unknown_ticket_is_not_found()
    {
        var order = NewOrder();

        var result = order.ConfirmTicket(Chaeso, OrderId + "-t9", [new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1)], Stall(Chaeso), Now);

        Assert.Equal(ErrorKind.NotFound, Refused(result).Kind);
    }

    [Fact]
    public void The_same_confirmation_again_is_a_replay_that_changes_nothing()
    {
        var order = NewOrder();
        var first = Confirm(order, Chaeso, new PickConfirmation("daepa", 1), new PickConfirmation("mu", 1, "aehobak"));
        Assert.False(first.Value!.Replayed);
        var version = order.Version;
        var ticket = order.Tickets[0];
        var (ticketVersion, confirmedAt) = (ticket.Version, ticket.ConfirmedAt);
        var charged = order.ChargedTotalWon;

        // Same content, lines in another order, later.
        var again = order.ConfirmTicket(Chaeso, ticket.TicketId,
            [new PickConfirmation("mu", 1, "aehobak"), new PickConfirmation("daepa", 1)], Stall(Chaeso), Now.AddHours(1));

        Assert.True(again.Succeeded, again.Error?.Detail);
        Assert.True(again.Value!.Replayed);
        Assert.Equal(OrderStatus.Picking, again.Value.OrderStatus);
        // Records holding an ImmutableArray compare it by reference: compare the lines separately.
        Assert.Equal(first.Value.Ticket with { Lines = [] }, again.Value.Ticket with { Lines = [] });
        Assert.True(first.Value.Ticket.Lines.SequenceEqual(again.Value.Ticket.Lines));
        Assert.Equal(version, order.Version);
        Assert.Equal((ticketVersion, confirmedAt), (ticket.Version, ticket.ConfirmedAt));
        Assert.Equal(charged, order.ChargedTotalWon);
    }

    [Fact]
    public void A_different_confirmation_after_the_first_is_a_conflict()
    {
        var order = NewOrder();
        Assert.True(Confirm(order, Chaeso, new PickConfirmation("daepa", 1), new PickConfirmation("mu", 1)).Succeeded);
        var version = order.Version;

        var result = Confirm(order, Chaeso, new PickConfirmation("daepa", 2), new PickConfirmation("mu", 1));

        Assert.Equal(ErrorKind.Conflict, Refused(result).Kind);
        Assert.Equal(1, order.Lines.Single(l => l.Sku == "daepa").Pick!.PickedQuantity);
        Assert.Equal(version, order.Version);
    }

    [Fact]
    public void A_ticket_of_a_cancelled_order_is_a_conflict()
    {
        var order = NewOrder();
        Assert.Null(order.Cancel("고객 요청", Now));

        var result = ConfirmInFull(order, Chaeso);

        var error = Refused(result);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Contains("고객 요청", error.Detail, StringComparison.Ordinal);
        Assert.All(order.Lines, l => Assert.Null(l.Pick));
        Assert.Equal(OrderStatus.Cancelled, order.Status);
    }

    [Fact]
    public void Confirmation_ticket_view_shows_the_picks_and_a_new_version()
    {
        var order = NewOrder();

        var result = Confirm(order, Chaeso, new PickConfirmation("daepa", 1), new PickConfirmation("mu", 0));

        var ticket = result.Value!.Ticket;
        Assert.Equal(PickTicketStatus.Confirmed, ticket.Status);
        Assert.Equal(2, ticket.Version);
        Assert.Equal(Now.AddMinutes(5), ticket.ConfirmedAt);
        Assert.Equal([PickOutcome.Short, PickOutcome.NotAvailable], ticket.Lines.Select(l => l.Pick!.Outcome));
    }
}
